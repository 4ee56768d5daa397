"""Model catalogue and local model store shared by the CLI and the model-using services.

Models are never fetched at run time: an operator installs them with `madoguchi models pull`
(or `models import` from an offline bundle) into a models folder; services only read it.
"""
