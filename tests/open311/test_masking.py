"""What leaves through Open311 GET has its identifiers masked in the forms people type them: full-width
digits, 15-digit ID numbers of before 1999, bank cards, e-mail (issue 17, finding 9)."""

import pytest

from gridgov.open311 import queries


@pytest.mark.parametrize("text, masked", [
    ("电话１３８１２３４５６７８请回电", "电话138****5678请回电"),
    ("手机 １３８－１２３４－５６７８", "手机 138****5678"),
    ("+86 13812345678 或 8613812345678", "138****5678 或 138****5678"),
    ("座机０７６６－２８８１２３４", "座机076****1234"),
    ("老身份证445321800101123，新的４４５３２１１９８００１０１１２３Ｘ", "老身份证4453*******1123，新的4453**********123X"),
    ("银行卡6222021234567890123", "银行卡6222***********0123"),
    ("邮箱 zhang.san@qq.com 或 ｌｉ＠ｑｑ．ｃｏｍ", "邮箱 ***@qq.com 或 ***@ｑｑ．ｃｏｍ"),
    ("2026年3月2日补助1500元，门牌12号，2026-03-02", "2026年3月2日补助1500元，门牌12号，2026-03-02"),
])
def test_scrub_masks_full_width_and_old_forms(text, masked):
    assert queries.scrub(text) == masked
