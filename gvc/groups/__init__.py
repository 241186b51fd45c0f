"""Country and sector groups: concordances, aggregated tables and group-aware indicators.

* :mod:`~gvc.groups.concordance`: many-to-one maps (CSV or TOML; shipped ones in
  ``datasets/concordances``), :func:`~gvc.groups.concordance.load`;
* :mod:`~gvc.groups.aggregate`: a table with countries and/or sectors merged (arrays only);
* :mod:`~gvc.groups.derive`: ``gvc aggregate``: a new dataset from a stored one and
  concordances, with its provenance and identity;
* :mod:`~gvc.groups.steps`: a grouping as the result family ``group:<name>`` (KWW, WWZ, BM,
  TiVA and participation with each group as one economy; kernels in
  :mod:`gvc.kernels.partition` and :mod:`gvc.kernels.grouped_decompositions`,
  :mod:`gvc.kernels.grouped_tiva`);
* :mod:`~gvc.groups.store`: grouping definitions in the store and the functions
  ``gvc group`` calls.

docs/groups.md explains the semantics and which indicators equal "compute on the aggregated
table".
"""
