"""好差评 pages: rating a service event (signed in, or by the text's link), one's own ratings."""
