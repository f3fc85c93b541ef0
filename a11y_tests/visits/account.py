"""Accounts and staff sign-in: every page, its error states and the signed-in pages."""
from a11y_tests.registry import Visit

RESIDENT = "13900000001"
STAFF = "13800000001"

VISITS = [
    Visit("account.sign_in", "/account/sign-in", "account-sign-in"),
    Visit("account.sign_in", "/account/sign-in", "account-sign-in-empty",
          actions=(("click", "main form button[type=submit]"),),
          expect_text={"zh": "请输入手机号码", "en": "Enter your mobile number"}),
    Visit("account.sign_in", "/account/sign-in", "account-sign-in-wrong",
          actions=(("fill", "#phone", "139 0000 0099"), ("fill", "#password", "not-the-password"),
                   ("click", "main form button[type=submit]")),
          expect_text={"zh": "手机号码或密码不正确", "en": "The mobile number or password is not right"}),
    Visit("account.register", "/account/register", "account-register"),
    Visit("account.register", "/account/register", "account-register-invalid",
          actions=(("fill", "#phone", "12345"), ("click", "main form button[type=submit]")),
          expect_text={"zh": "手机号码应为11位数字", "en": "A mobile number has 11 digits"}),
    Visit("account.register_code", "/account/register", "account-register-code",
          actions=(("fill", "#phone", "137 0000 4444"), ("click", "main form button[type=submit]")),
          expect_text={"zh": "137****4444", "en": "137****4444"}),
    Visit("account.register_code", "/account/register", "account-register-code-wrong",
          actions=(("fill", "#phone", "137 0000 4445"), ("click", "main form button[type=submit]"),
                   ("fill", "#code", "12"), ("click", "main form button[type=submit]")),
          expect_text={"zh": "验证码是6位数字", "en": "The code is 6 digits"}),
    Visit("account.reset", "/account/reset", "account-reset"),
    Visit("account.reset", "/account/reset", "account-reset-empty",
          actions=(("click", "main form button[type=submit]"),),
          expect_text={"zh": "请输入手机号码", "en": "Enter your mobile number"}),
    Visit("account.reset_code", "/account/reset", "account-reset-code",
          actions=(("fill", "#phone", "139 0000 0001"), ("click", "main form button[type=submit]")),
          expect_text={"zh": "139****0001", "en": "139****0001"}),
    Visit("account.signed_out", "/account/signed-out", "account-signed-out"),
    Visit("account.timed_out", "/account/timed-out?next=/help", "account-timed-out",
          expect_text={"zh": "您已自动退出", "en": "You have been signed out"}),
    Visit("account.home", "/account/", "account-home", account=RESIDENT),
    Visit("account.change_password", "/account/change-password", "account-change-password",
          account=RESIDENT),
    Visit("account.change_password", "/account/change-password",
          "account-change-password-errors", account=RESIDENT,
          actions=(("fill", "#current_password", "wrong"), ("fill", "#password", "123456"),
                   ("click", "main form button[type=submit]")),
          expect_text={"zh": "密码至少需要8个字符", "en": "at least 8 characters"}),
    Visit("staff_auth.sign_in", "/staff/sign-in", "staff-sign-in"),
    Visit("staff_auth.sign_in", "/staff/sign-in", "staff-sign-in-wrong",
          actions=(("fill", "#phone", "139 0000 0001"), ("fill", "#password", "Huyi-Demo-2026!"),
                   ("click", "main form button[type=submit]")),
          expect_text={"zh": "手机号码或密码不正确", "en": "The mobile number or password is not right"}),
    Visit("staff_auth.home", "/staff/", "staff-home", account=STAFF),
    Visit("account.signed_out", "/account/signed-out?staff=1", "account-signed-out-staff"),
]

EXCLUDED = {
    "account.register_details": "needs the code texted to the phone; the keyboard journey in "
                                "a11y_tests/test_account_keyboard.py checks it with axe",
    "account.reset_password": "needs the code texted to the phone; the keyboard journey in "
                              "a11y_tests/test_account_keyboard.py checks it with axe",
}
