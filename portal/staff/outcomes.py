"""A staff form's step, done or refused: the one way the console says which, and goes back."""
from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect


def done_or_refused(change: Callable[[], object], refused: type[Exception], *, done: str,
                    refused_text: str, back: str):
    """Run `change`; flash `done`, or `refused_text` when it raises `refused`; then back to
    `back` (303)."""
    try:
        change()
    except refused:
        flash(refused_text)
    else:
        flash(done)
    return redirect(back, 303)
