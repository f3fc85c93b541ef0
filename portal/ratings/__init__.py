"""好差评: ratings of the services a person experienced, the follow-up of every named 差评,
and the public figures (see models.py and README "Ratings (好差评)")."""
