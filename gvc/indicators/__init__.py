"""Indicators: the layer that knows both the store and the kernels.

Each step pulls one ``(dataset, year)`` table, calls kernels, and returns long Arrow tables keyed
by integer node ids (written to ``facts.*``; labelled views in ``queries/``).
"""
