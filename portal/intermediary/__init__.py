"""代办: the village workers' pages, the street officer's pages for workers and paper consents,
and the person's own page of consents (portal.accounts.consents, .intermediaries)."""
