"""Numerical kernels: numpy/scipy on arrays only.

No DuckDB, no pandas, no I/O. Arrays are country-major: node ``i = s * N + k`` is sector ``k`` of
country ``s``; ``G`` countries, ``N`` sectors, ``n = G * N``. Notation: ``B`` is the global
Leontief inverse (I - A)^-1, ``L`` the local (domestic) inverses (docs/notation.md). Kernels
take what the caller already computed (A, B, L, v, exports:
:class:`gvc.indicators.derived.Derived` holds them) as keyword arguments and compute only what
is missing.

Modules:

* :mod:`~gvc.kernels.betweenness`: Weighted betweenness centrality of the nodes of an input-output
  graph (networkx);
* :mod:`~gvc.kernels.blocks`: Country-block helpers on country-major arrays (node ``i = s * N +
  k``);
* :mod:`~gvc.kernels.borin_mancini`: Borin & Mancini decomposition of gross exports: source/sink,
  world/exporter perspectives;
* :mod:`~gvc.kernels.chain_segments`: Production-length segments of a value chain: domestic, border-
  crossing and foreign stages;
* :mod:`~gvc.kernels.cluster_update`: A cluster's participation, border crossings and linkages after
  a change to its columns of A;
* :mod:`~gvc.kernels.crossings`: Border crossings, re-export rounds, kilometres and countries
  spanned by a value chain;
* :mod:`~gvc.kernels.embeddedness`: Embeddedness of every node (country x sector) in global value
  chains, as arrays;
* :mod:`~gvc.kernels.extraction`: Hypothetical extraction of a node set S: backward, forward, total
  and cross-border variants;
* :mod:`~gvc.kernels.final_output`: Final-product value chains: who adds the value in the final
  output of each product;
* :mod:`~gvc.kernels.geo`: Great-circle distances between countries, for the kilometres a value
  chain travels;
* :mod:`~gvc.kernels.kww`: Koopman-Wang-Wei (2014) 9-term decomposition of each country's gross
  exports;
* :mod:`~gvc.kernels.lengths`: Production length, upstreamness and downstreamness;
* :mod:`~gvc.kernels.leontief`: Input coefficients, value-added coefficients and Leontief inverses;
* :mod:`~gvc.kernels.network`: Centrality of the nodes of a weighted directed graph: strength,
  PageRank, Katz, eigenvector;
* :mod:`~gvc.kernels.node_metrics`: Metrics of cluster nodes (country x sector) and of clusters of
  nodes, read by the lock-in rules;
* :mod:`~gvc.kernels.participation`: GVC participation: production-based (Wang, Wei, Yu & Zhu 2017a)
  and trade-based (Koopman et al.);
* :mod:`~gvc.kernels.paths`: Structural path analysis: the largest single paths from value added to
  final demand;
* :mod:`~gvc.kernels.positions`: Position in value chains as Antràs & Chor (2018) publish it: U, D,
  F/GO and VA/GO;
* :mod:`~gvc.kernels.rank_update`: New outputs of a changed Leontief system from the old inverse:
  Sherman-Morrison-Woodbury;
* :mod:`~gvc.kernels.sda`: Structural decomposition of the change between two years into four
  factors;
* :mod:`~gvc.kernels.shocks`: Shocks: demand (Leontief), primary input (Ghosh), supply caps (mixed
  model), bloc decoupling;
* :mod:`~gvc.kernels.substitution`: Import substitution: a cluster's imported inputs move to the
  home industry of the same product;
* :mod:`~gvc.kernels.tiva`: OECD Trade in Value Added (TiVA) indicators, per exporting node, from
  one global inverse;
* :mod:`~gvc.kernels.value_added`: Value-added origin of final demand and of gross exports (the
  Leontief decompositions);
* :mod:`~gvc.kernels.wwz`: Wang-Wei-Zhu (2013) 16-term decomposition of bilateral, sector-level
  gross exports.
"""
