"""变更申报 (portal.changes) in the browser: the resident's pages and the street officer's.

The demo resident 13900000001 (李梅) applied for 孙立新 (HY-2026-DEMAEC, being paid); the demo
(portal/cli/demo_content.py _demo_changes) has two changes reported for him, waiting for the
甘亭 street officer: a new card (BG-2026-DEMA3C) and a hospital stay (BG-2026-DEMA4C). Visits
change nothing that counts: the check page is reached by saving a draft (a draft is sent to
nobody), and the staff's decision is only ever sent empty (its error state).
"""
from a11y_tests.registry import Visit

RESIDENT, STREET = "13900000001", "13800000001"
SUBMIT = ("click", "main form button[type=submit]")
BASE = "/status/applications/HY-2026-DEMAEC/changes"


def zh_en(zh: str, en: str) -> dict:
    return {"zh": zh, "en": en}


VISITS = [
    Visit("changes.index", f"{BASE}/", "changes-index", account=RESIDENT,
          expect_text=zh_en("BG-2026-DEMA3C", "BG-2026-DEMA3C")),
    Visit("changes.report", f"{BASE}/new/card", "changes-report-card", account=RESIDENT,
          expect_text=zh_en("卡号", "Card number")),
    Visit("changes.report", f"{BASE}/new/card", "changes-report-card-error", account=RESIDENT,
          actions=(("fill", "#card_number", "1234"), SUBMIT),
          expect_text=zh_en("请选择银行卡或社会保障卡", "bank card or")),
    Visit("changes.report", f"{BASE}/new/moved_within", "changes-report-moved",
          account=RESIDENT, expect_text=zh_en("新的户籍街道", "new street")),
    Visit("changes.report", f"{BASE}/new/death", "changes-report-death", account=RESIDENT,
          expect_text=zh_en("去世的日期", "Date of death")),
    Visit("changes.check", f"{BASE}/new/work", "changes-check", account=RESIDENT,
          actions=(("fill", "#work_from", "2026-04-15"), SUBMIT),
          expect_text=zh_en("检查您报告的变更", "Check the change you are reporting")),
    Visit("changes.change", f"{BASE}/BG-2026-DEMA3C", "changes-change", account=RESIDENT,
          expect_text=zh_en("等待街道核实", "street")),
    Visit("staff_changes.worklist", "/staff/changes/", "staff-changes-worklist",
          account=STREET, expect_text=zh_en("BG-2026-DEMA4C", "BG-2026-DEMA4C")),
    Visit("staff_changes.change", "/staff/changes/BG-2026-DEMA4C", "staff-changes-change",
          account=STREET, expect_text=zh_en("核实办理", "Verify")),
    Visit("staff_changes.change", "/staff/changes/BG-2026-DEMA3C", "staff-changes-error",
          account=STREET, actions=(SUBMIT,),
          expect_text=zh_en("请选择核实结果", "Choose the result")),
]
