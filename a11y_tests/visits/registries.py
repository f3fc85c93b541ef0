"""The registries (portal/registries): the admin's import page, and the street officers' and
district reviewers' discovery worklist and a lead's page.

The demo (portal/cli/demo_content.py _demo_registries) imports both registries and runs the
sweep: lead 1 is 田大伟 of 甘亭街道 (the demo street officer's street), with a phone on record;
lead 2 has one contact recorded. No visit changes anything: the only form submissions are the
ones that fail (error states). The preview after an upload is the import page's POST answer
(no GET address of its own); the confirmation, the contact and the invitation are POST
only (not GET routes: nothing to exclude).
"""
from a11y_tests.registry import Visit

STREET, DISTRICT, ADMIN = "13800000001", "13800000002", "13800000005"
SUBMIT = ("click", "main form button[type=submit]")

VISITS = [
    Visit("registries.imports_page", "/staff/registries/imports", "registries-imports",
          account=ADMIN, expect_text={"zh": "已导入的名单", "en": "Registries imported"}),
    Visit("registries.imports_page", "/staff/registries/imports", "registries-imports-error",
          account=ADMIN, actions=(SUBMIT,),
          expect_text={"zh": "请选择要导入的名单", "en": "Choose the registry to import"}),
    Visit("registries.worklist", "/staff/discovery", "registries-worklist-street",
          account=STREET, expect_text={"zh": "可能符合条件的人员",
                                       "en": "People who may qualify"}),
    Visit("registries.worklist", "/staff/discovery", "registries-worklist-district",
          account=DISTRICT),
    Visit("registries.lead", "/staff/discovery/1", "registries-lead", account=STREET,
          expect_text={"zh": "可以申请的项目和理由", "en": "Programmes and why"}),
    Visit("registries.lead", "/staff/discovery/1", "registries-lead-error", account=STREET,
          actions=(("click", "form[action$='/contact'] button[type=submit]"),),
          expect_text={"zh": "请选择联系结果", "en": "Choose the outcome"}),
    Visit("registries.lead", "/staff/discovery/2", "registries-lead-contacted", account=STREET,
          expect_text={"zh": "联系不上", "en": "Could not be reached"}),
]

EXCLUDED: dict[str, str] = {}
