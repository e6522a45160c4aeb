"""Custom Rasa components. Imported by Rasa (Python 3.10 env) with bot/ on PYTHONPATH."""
