"""A complete Chinese scheme after 马庄桥镇's 五星支部 (its 2023 report): five stars of 20 points each (100 in all),
scored from gridgov's records wherever a practice is recorded (meetings, town tasks, household links,
patrols, disputes, services, volunteers, honours, cases, points, village affairs), by hand only where none is,
reward and penalty indicators on a base, veto items, 16 points to earn a star, and the level mapping
of comparable schemes (>= 90 五星, 80-89 四星, 70-79 三星, 60-69 二星), each level also needing as many
stars earned as its name says. Collective economy income is scored by the brackets of 古店镇's 2021
figures (10-20万, 20-50万, 50万+)."""

INCOME_BRACKETS = [[100000, 6], [200000, 9], [500000, 12]]

# Best first. A level is named for its stars, so it needs that many stars earned as well as the points:
# on points alone a village with 95 points and three stars would be called 五星 beside three ★.
LEVELS = [
    {"min_total": 90, "min_stars": 5, "label": "五星"},
    {"min_total": 80, "min_stars": 4, "label": "四星"},
    {"min_total": 70, "min_stars": 3, "label": "三星"},
    {"min_total": 60, "min_stars": 2, "label": "二星"},
]


def levels() -> list[dict]:
    """The default level mapping, a fresh copy for each scheme (a scheme's levels are its own data)."""
    return [dict(entry) for entry in LEVELS]


def scheme_spec() -> list[dict]:
    def metric(code, name, max_points, source, **mapping):
        return {"code": code, "name": name, "max_points": max_points, "method": "metric",
                "config": {"source": source, **mapping}}

    def manual(code, name, max_points):
        return {"code": code, "name": name, "max_points": max_points, "method": "manual", "config": {}}

    def dynamic(code, name, max_points, base):
        return {"code": code, "name": name, "max_points": max_points, "method": "dynamic", "config": {"base": base}}

    return [
        {"code": "branch", "name": "支部过硬星", "threshold": 16, "indicators": [
            metric("branch.meetings", "三会一课、主题党日按时开展率", 4, "meetings.compliance", map="linear", floor=0.6,
                   target=1.0),
            metric("branch.attendance", "党员参加组织生活率", 2, "meetings.attendance", map="linear", floor=0.6,
                   target=0.9),
            metric("branch.tasks", "镇党委任务按期完成率", 2, "tasks.on_time", map="linear", floor=0.6, target=1.0),
            metric("branch.inspection", "季度督查得分率", 2, "tasks.inspection", map="linear", floor=0.6, target=0.95),
            manual("branch.team", "班子团结、党员队伍建设", 1),
            metric("branch.links", "党员联户覆盖率", 2, "links.coverage", map="linear", floor=0.8, target=1.0),
            metric("branch.contacts", "党员联户月走访率", 2, "links.contact_rate", map="linear", floor=0.5,
                   target=0.9),
            # 四议两公开: the branch leads the village's major matters (proposes, and the decision is published).
            metric("branch.matters", "重大事项“四议两公开”规范运行率", 2, "affairs.matters", map="linear", floor=0.5,
                   target=1.0),
            dynamic("branch.vanguard", "党员先锋作用（动态奖惩）", 3, 2),
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
            metric("safety.disputes", "矛盾纠纷调解成功率", 3, "disputes.mediated", map="linear", floor=0.5, target=0.9),
            metric("safety.screening", "矛盾纠纷周排查按时上报率", 2, "disputes.zero_reports", map="linear", floor=0.6,
                   target=1.0),
            metric("safety.followups", "矛盾纠纷回访完成率", 2, "disputes.followups", map="linear", floor=0.5,
                   target=1.0),
            metric("safety.on_time", "事件按期结案率", 3, "cases.on_time_rate", map="linear", floor=0.5, target=0.95),
            metric("safety.patrols", "网格巡查达标率（一周三巡）", 3, "patrols.compliance", map="linear", floor=0.5,
                   target=0.9),
            # 三务公开 and answering villagers' questions: village affairs in the open, under the law.
            metric("safety.disclosures", "三务公开按时公开率", 2, "affairs.disclosures", map="linear", floor=0.6,
                   target=1.0),
            metric("safety.questions", "村民质询按期答复率", 1, "affairs.questions", map="linear", floor=0.5,
                   target=1.0),
            dynamic("safety.peace", "平安建设（动态奖惩）", 4, 3),
        ], "vetoes": [{"code": "safety.crime", "name": "发生重大刑事案件或群体性事件"},
                      {"code": "safety.petition", "name": "越级上访造成严重影响"}]},
        {"code": "civility", "name": "文明幸福星", "threshold": 16, "indicators": [
            metric("civility.satisfaction", "群众满意率", 5, "cases.satisfaction_rate", map="linear", floor=0.6,
                   target=0.95),
            metric("civility.services", "为民服务满意率", 2, "services.satisfaction", map="linear", floor=0.6,
                   target=0.95),
            metric("civility.service_time", "为民服务按期办结率", 2, "services.on_time", map="linear", floor=0.6,
                   target=0.95),
            metric("civility.points", "积分制参与率", 4, "points.participation", map="linear", floor=0.1, target=0.5),
            metric("civility.volunteers", "志愿服务参与率", 4, "volunteers.participation", map="linear", floor=0.0,
                   target=0.1),
            metric("civility.honours", "每百户获评星级文明户、美丽庭院等荣誉", 3, "honours.per_hundred", map="linear",
                   floor=0.0, target=10.0),
        ], "vetoes": [{"code": "civility.customs", "name": "出现黄赌毒、封建迷信等严重不良风气"}]},
    ]


def blank_spec() -> list[dict]:
    """The five standard stars with no indicators or veto items yet: a scheme built up on the scheme page.
    A star needs points only once it has indicators, so every threshold starts at 0."""
    return [{"code": star["code"], "name": star["name"], "threshold": 0, "indicators": [], "vetoes": []}
            for star in scheme_spec()]
