from a11y_tests.registry import Visit

VISITS = [
    Visit("public.home", "/", "home"),
    Visit("public.help_page", "/help", "help"),
    Visit("public.privacy", "/privacy", "privacy"),
    Visit("public.accessibility_statement", "/accessibility", "accessibility-statement"),
]

EXCLUDED = {
    "static": "static files (CSS, images), not pages",
    "public.switch_language": "sets the language cookie and redirects back; the suite visits "
                              "every page in both languages through the same cookie",
}
