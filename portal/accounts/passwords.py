"""Password hashing (scrypt, via Werkzeug). The cost is configuration (PASSWORD_HASH_METHOD):
full strength everywhere except the test suite, which uses a cheap setting to stay fast.
Verification reads the parameters from the stored hash, so both kinds always verify."""
from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash

DEFAULT_METHOD = "scrypt"


def hash_password(password: str) -> str:
    method = DEFAULT_METHOD
    if has_app_context():
        method = current_app.config.get("PASSWORD_HASH_METHOD", DEFAULT_METHOD)
    return generate_password_hash(password, method=method)


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)
