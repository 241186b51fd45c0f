"""Indicators: the layer that knows both the store and the kernels.

Each step pulls one ``(dataset, year)`` table, calls kernels, and returns long Arrow tables keyed
by integer node ids (written to ``facts.*`` through the results ledger; labelled views in
``queries/``).

Modules:

* :mod:`~gvc.indicators.core`: Core value-added indicators: ``va_flows``, ``va_in_exports``,
  ``gross_exports``;
* :mod:`~gvc.indicators.decomposition`: Gross-export decompositions written as long tables: KWW,
  WWZ, Borin-Mancini;
* :mod:`~gvc.indicators.derived`: Per-table cache of derived matrices so every step reuses one
  Leontief inverse;
* :mod:`~gvc.indicators.final_output`: Steps ``final_output`` and ``final_output_nodes``: value
  chains of final products;
* :mod:`~gvc.indicators.inputs`: Pull one ``(dataset, year)`` table out of the store as dense
  arrays;
* :mod:`~gvc.indicators.long`: Turn dicts of term arrays into long Arrow tables (non-zero cells
  only, integer keys);
* :mod:`~gvc.indicators.participation`: TiVA indicators, GVC participation, position, production
  length and upstreamness as tables;
* :mod:`~gvc.indicators.positions`: Steps ``positions`` and ``positions_uncorrected``: U, D, F/GO
  and VA/GO as published;
* :mod:`~gvc.indicators.registry`: The steps ``gvc run`` can compute, and the fact tables each one
  writes;
* :mod:`~gvc.indicators.run`: Compute indicator steps for stored tables and write their results
  back, atomically;
* :mod:`~gvc.indicators.step`: The Step record: a named computation on one table and the fact tables
  it writes.
"""
