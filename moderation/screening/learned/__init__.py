"""The learned layer: a statistical classifier beside the rules.

One logistic regression per kind (spam, abuse, profanity, medical claims)
over hashed character and word n-grams (`features`), trained by
`manage.py train_screening_model` on the corpus and, later, by `retrain()`
on the clinic's own moderators' decisions (`services`). A rule hit stays a
hit: the model adds a whole-text flag for a kind only when no rule flagged
that kind and its score reaches the kind's threshold. The flag carries the
score and the words that weighed most, so a moderator sees why.
"""

from moderation.screening import Flag, ScreeningContext, Severity

SEVERITY: dict[str, Severity] = {
    "spam": "medium",
    "abuse": "medium",
    "profanity": "low",
    "medical_claim": "medium",
}
NAMES = {
    "spam": "spam",
    "abuse": "abuse",
    "profanity": "profanity",
    "medical_claim": "health claim",
}


def screen(text: str, context: ScreeningContext) -> list[Flag]:
    # Imported here: the web processes, which never screen, need not load
    # numpy and the model.
    from moderation.screening.learned.active import active_model

    model = active_model()
    scores = model.scores(text)
    context.reading.version = model.version
    context.reading.scores = scores
    found_by_rules = {flag.kind for flag in context.found}
    flags = []
    for kind in model.kinds:
        score = scores[kind]
        if kind in found_by_rules or score < model.thresholds[kind]:
            continue
        reasons = ", ".join(f'"{word}"' for word in model.reasons(text, kind))
        flags.append(
            Flag(
                kind=kind,
                severity=SEVERITY[kind],
                detail=f"Model: {NAMES[kind]} {score:.2f}" + (f" ({reasons})" if reasons else ""),
                score=round(score, 3),
            )
        )
    return flags
