"""The folds that build projections, in the order they apply."""
from server import activity, alerts, patrols, phase

FOLDS = (phase, patrols, alerts, activity)
