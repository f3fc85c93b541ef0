"""统一身份认证: signing residents in through the government's OpenID Connect provider."""
