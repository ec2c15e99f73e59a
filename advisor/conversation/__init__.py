"""A conversation with the advisor: its turns, follow-ups resolved into standalone
questions, the route each message takes, suggested next questions, the evidence an
answer used, feedback on answers and the conversation exported as Markdown."""
