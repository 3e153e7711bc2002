"""The scheme the five-star machinery's tests run on: the default scheme as it stood before the practice
apps fed it (only the case loop and points as metric sources, the rest by hand). The product's default
(gridgov.stars.defaults) grows as practices are recorded; these tests check how a scheme is scored, edited
and taken through a quarter, so they keep one fixed scheme whose figures are worked out by hand below.
tests/stars/test_default_scheme.py checks the product's default itself."""

from gridgov.stars.defaults import INCOME_BRACKETS


def machinery_spec() -> list[dict]:
    def metric(code, name, max_points, source, **mapping):
        return {"code": code, "name": name, "max_points": max_points, "method": "metric",
                "config": {"source": source, **mapping}}

    def manual(code, name, max_points):
        return {"code": code, "name": name, "max_points": max_points, "method": "manual", "config": {}}

    def dynamic(code, name, max_points, base):
        return {"code": code, "name": name, "max_points": max_points, "method": "dynamic", "config": {"base": base}}

    return [
        {"code": "branch", "name": "支部过硬星", "threshold": 16, "indicators": [
            manual("branch.meetings", "三会一课、主题党日落实", 7),
            manual("branch.team", "班子团结、党员队伍建设", 6),
            dynamic("branch.vanguard", "党员先锋作用（动态奖惩）", 7, 5),
        ], "vetoes": [{"code": "branch.discipline", "name": "班子成员受到党纪政务处分"}]},
        {"code": "industry", "name": "产业兴旺星", "threshold": 16, "indicators": [
            metric("industry.income", "村集体经济收入", 12, "stars.collective_income", map="brackets",
                   brackets=INCOME_BRACKETS),
            manual("industry.feature", "一村一品特色产业、联农带农", 8),
        ], "vetoes": [{"code": "industry.assets", "name": "集体资产流失或违规举债"}]},
        {"code": "ecology", "name": "生态宜居星", "threshold": 16, "indicators": [
            manual("ecology.environment", "人居环境整治、门前三包", 8),
            metric("ecology.cases", "事件结案率", 6, "cases.completion_rate", map="linear", floor=0.6, target=0.95),
            dynamic("ecology.inspection", "人居环境督查（动态奖惩）", 6, 4),
        ], "vetoes": [{"code": "ecology.pollution", "name": "发生重大环境污染事件"}]},
        {"code": "safety", "name": "平安法治星", "threshold": 16, "indicators": [
            metric("safety.disputes", "矛盾纠纷化解率", 8, "cases.disputes_resolved", map="linear", floor=0.5,
                   target=1.0),
            metric("safety.on_time", "事件按期结案率", 6, "cases.on_time_rate", map="linear", floor=0.5, target=0.95),
            dynamic("safety.peace", "平安建设（动态奖惩）", 6, 4),
        ], "vetoes": [{"code": "safety.crime", "name": "发生重大刑事案件或群体性事件"},
                      {"code": "safety.petition", "name": "越级上访造成严重影响"}]},
        {"code": "civility", "name": "文明幸福星", "threshold": 16, "indicators": [
            metric("civility.satisfaction", "群众满意率", 8, "cases.satisfaction_rate", map="linear", floor=0.6,
                   target=0.95),
            metric("civility.points", "积分制参与率", 6, "points.participation", map="linear", floor=0.1, target=0.5),
            manual("civility.volunteer", "志愿服务、文明评选", 6),
        ], "vetoes": [{"code": "civility.customs", "name": "出现黄赌毒、封建迷信等严重不良风气"}]},
    ]
