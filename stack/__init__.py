"""Runs the whole stack on this machine: trains the Rasa model when bot/ changed, builds the
index when the corpus changed, starts Rasa and the action server, and stops them together."""
