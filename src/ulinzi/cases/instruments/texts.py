"""The words of the risk instruments (``*.json`` beside this file) for the project's
translation catalogue: an instrument is data, so its texts are listed here for
``makemessages``. ``cases/tests/test_instrument_words.py`` fails when a text of a file is
missing here or untranslated."""

from django.utils.translation import gettext_noop

TEXTS = (
    # health_worker_threat.json
    gettext_noop("Threats to a health worker or facility"),
    gettext_noop(
        "Screening of the danger to a health worker (or their facility) after threats, "
        "written for Ulinzi. It supports, and never replaces, the judgement of the "
        "security focal point."
    ),
    gettext_noop("Was there an explicit threat to harm or kill the health worker?"),
    gettext_noop("Does the threat come from an armed actor or an organised group?"),
    gettext_noop("How often have threats been received?"),
    gettext_noop("Once"),
    gettext_noop("Several times"),
    gettext_noop("Ongoing"),
    gettext_noop("Does the person threatening know where the health worker lives?"),
    gettext_noop("Has the facility or a colleague been attacked in the past year?"),
    gettext_noop("Is the threat linked to care given or refused (for example, to a combatant)?"),
    gettext_noop("Does the facility lack guards, safe entry or a lockable room?"),
    # ipv.json
    gettext_noop("Intimate-partner violence: danger screening"),
    gettext_noop(
        "A short screening of danger from a current or former partner, written for "
        "Ulinzi. It supports, and never replaces, the judgement of a trained case worker."
    ),
    gettext_noop("Has the violence become more frequent or more severe in recent months?"),
    gettext_noop("Has the partner used or threatened to use a weapon?"),
    gettext_noop("Has the partner ever choked or strangled the survivor?"),
    gettext_noop("Has the partner threatened to kill the survivor, the children or themselves?"),
    gettext_noop("Has the survivor recently left, or tried to leave, the partner?"),
    gettext_noop("Does the partner control where the survivor goes, whom they see or their money?"),
    gettext_noop("Is the survivor pregnant or recently gave birth?"),
    gettext_noop("Have children in the household been hurt or threatened?"),
    gettext_noop("How afraid is the survivor of being seriously hurt in the coming weeks?"),
    gettext_noop("Not afraid"),
    gettext_noop("Somewhat afraid"),
    gettext_noop("Very afraid"),
)
