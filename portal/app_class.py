"""The portal's Flask class: Flask, with one cheaper step on every request.

Flask asks `ensure_sync()` of every hook and view on every request whether it is a coroutine
function, through `inspect.iscoroutinefunction` (which unwraps partials and methods first):
about a dozen times for a page. For a plain function or method that answer is in its code
object's flags, read here directly; anything else goes to Flask as before. Flask documents
`ensure_sync` as the method to override.
"""
from __future__ import annotations

import inspect

from flask import Flask

_ASYNC = inspect.CO_COROUTINE | inspect.CO_ASYNC_GENERATOR


class Portal(Flask):
    def ensure_sync(self, func):
        code = getattr(func, "__code__", None)
        if (code is not None and not code.co_flags & _ASYNC
                and not hasattr(func, "_is_coroutine_marker")):
            return func
        return super().ensure_sync(func)
