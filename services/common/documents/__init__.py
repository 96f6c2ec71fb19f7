"""Decisions as documents: the letter a gemeente sends with a decision (the PIP beschikking, its
change, more time for the PIP, a warning, a fine), rendered once when the decision is taken and
kept as it was then.

The deciding service renders the letter in the same command as the decision and stores it as an
event of the deciding aggregate (`DocumentIssued`: the HTML and its SHA-256), so both are saved
in one transaction, and a later change of a template changes no letter already issued. The read
model `<schema>.documents` lists them; a document's id is the id of the integration event that
published its issue (`envelope.event_id`), so the ledger, the timeline and the API name it alike.
The PDF is made from the stored HTML (WeasyPrint) when it is asked for.

Letters hold no health data (AVG art. 9): no goal texts and nothing free the regievoerder typed
about the person's circumstances, only what was decided, its grounds and the bezwaar clause.
"""
