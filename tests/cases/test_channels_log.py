"""The default `log` channel writes one line per notice to `gridgov.notify`, with phones and ID numbers
masked whatever the text says."""

import logging

from gridgov.cases import actions, channels
from gridgov.cases.models import Outbox


def test_one_line_per_notice_without_phones(personas, report, clock, caplog):
    case = report()
    actions.do_reject(personas.worker_a1, case, reason="请拨打13912345678或0766-2881234咨询，身份证445321197001010011")
    with caplog.at_level(logging.INFO, logger="gridgov.notify"):
        assert channels.deliver_outbox()["sent"] == Outbox.objects.count() == 2
    lines = [r.getMessage() for r in caplog.records if r.name == "gridgov.notify"]
    assert len(lines) == 2
    rejected = next(line for line in lines if "user=resident_a1" in line)
    assert case.number in rejected and "139****5678" in rejected and "4453**********0011" in rejected
    assert "13912345678" not in caplog.text and "445321197001010011" not in caplog.text
    assert "2881234" not in caplog.text
    assert not Outbox.objects.exclude(state="sent").exists()


def test_scrub_masks_numbers_and_keeps_words():
    assert channels.scrub("案件20260302-000001已受理") == "案件20260302-000001已受理"
    assert channels.scrub("电话+86 13812345678") == "电话138****5678"
    assert channels.scrub("身份证44532119700101001X") == "身份证4453**********001X"
