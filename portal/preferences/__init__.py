"""Accessibility preferences (无障碍设置): text size, elder mode, colour schemes, line spacing,
text-only, large cursor and reduced motion – kept in one cookie, applied on the server as
classes on <html>. Nothing here needs JavaScript."""
