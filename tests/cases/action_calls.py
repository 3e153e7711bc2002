"""How to call each action of the workflow table with valid input, for the table-driven refusal tests."""

import io

from PIL import Image

from gridgov.cases import actions


def png_bytes() -> io.BytesIO:
    out = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 30, 30)).save(out, "PNG")
    out.seek(0)
    return out


def call(action: str, actor, case, personas, cfg):
    p = personas
    if action == "accept":
        return actions.do_accept(actor, case)
    if action == "reject":
        return actions.do_reject(actor, case, reason="不属于受理范围")
    if action == "merge":
        other = actions.do_report(p.resident_a1, cfg.garbage, "另一宗", lat=case.lat, lng=case.lng)
        return actions.do_merge(actor, case, other)
    if action == "escalate":
        return actions.do_escalate(actor, case, reason="需要村里协调")
    if action == "dispatch":
        return actions.do_dispatch(actor, case, "party_a1")
    if action == "publish":
        return actions.do_publish(actor, case)
    if action == "transfer":
        return actions.do_transfer(actor, case, p.worker_a1)
    if action == "claim":
        return actions.do_claim(actor, case)
    if action == "return":
        return actions.do_return(actor, case, reason="不是我的")
    if action == "extend":
        return actions.do_extend(actor, case, 2, reason="材料未齐")
    if action == "approve_extension":
        return actions.do_approve_extension(actor, case)
    if action == "suspend":
        return actions.do_suspend(actor, case, reason="等待")
    if action == "resume":
        return actions.do_resume(actor, case)
    if action == "resolve":
        return actions.do_resolve(actor, case, result="已处理")
    if action == "verify":
        return actions.do_verify(actor, case, passed=True)
    if action == "reopen":
        return actions.do_reopen(actor, case, reason="还没清理干净")
    if action == "rate":
        return actions.do_rate(actor, case, "satisfied")
    if action == "supervise":
        return actions.do_supervise(actor, case, note="请加快办理")
    if action == "answer_supervision":
        return actions.do_answer_supervision(actor, case, answer="正在处理")
    if action == "add_photo":
        return actions.do_add_photo(actor, case, png_bytes())
    if action == "comment":
        return actions.do_comment(actor, case, text="进展如何？")
    raise KeyError(action)
