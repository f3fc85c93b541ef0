"""统一身份认证 (issue 19): the sign-in page with its button, and the stand-in provider's page
where one picks a demo identity (portal/dev_identity; the live server points
UNIFIED_ID_ISSUER at itself, a11y_tests/conftest.py). The provider's page is reached by the
button's own redirect, with a real state and nonce; no visit picks an identity."""
from a11y_tests.registry import Visit

SUBMIT = ("click", "main form button[type=submit]")

VISITS = [
    Visit("account.sign_in", "/account/sign-in", "identity-sign-in-button",
          expect_text={"zh": "用统一身份认证登录", "en": "Sign in with unified identity"}),
    Visit("dev_identity.authorize", "/account/unified-id/start", "identity-provider-pick",
          expect_text={"zh": "统一身份认证（演示）", "en": "Unified identity (demo)"}),
    Visit("dev_identity.authorize", "/account/unified-id/start", "identity-provider-none-picked",
          actions=(SUBMIT,),
          expect_text={"zh": "请选择一个演示身份", "en": "Choose a demo identity"}),
]

EXCLUDED = {
    "unified_identity.start": "a redirect to the provider (its page is visited through it)",
    "unified_identity.callback": "the provider's redirect back: signs in and redirects, no page",
    "dev_identity.discovery": "JSON for the OpenID Connect client, not a page",
    "dev_identity.jwks": "JSON (the provider's public key), not a page",
    "dev_identity.index": "a redirect to the sign-in page",
}
