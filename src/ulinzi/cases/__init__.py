"""Survivor case files, consent, referrals, risk assessment and protective measures,
and SEAH complaint handling."""
