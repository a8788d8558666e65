"""What the literacy app tells the floors above it.

``score_weights_changed`` is sent (sender ScoreWeights, ``kabupaten_code``) inside the
transaction that saved a kabupaten's weights; the dashboard, which counts the KIM scores,
recomputes that kabupaten's scores once the transaction commits. Literacy names no app
above it: the dashboard connects itself (DashboardConfig.ready).
"""

from django.dispatch import Signal

score_weights_changed = Signal()
