-- name: gvc_participation
-- kind: view
-- depends_on: nodes
-- grain: dataset, year, country, sector, measure
-- doc: Embeddedness of each cluster node: WWYZ (2017a) value added split V_D_f, V_RT_f, V_GVC_S_f, V_GVC_C_f (forward, by origin) and *_b (backward, by final good), participation GVCPt_f / GVCPt_b; Koopman et al. (2010) koopman_IV, koopman_FV, koopman_participation, koopman_position; WWYZ (2017b) production length PLv*, PLy* and segments, GVCPs (position); upstreamness (Antras et al. 2012) and downstreamness (Fally 2012), without the net-inventory correction (as published by Antras & Chor 2018: view positions).
-- column country: country of the node
-- column sector: sector of the node
-- column measure: measure name (see doc)
-- column value: value (in the dataset's unit, tables.unit, for value measures; unit-free for ratios and numbers of stages; NULL where undefined)
CREATE OR REPLACE VIEW gvc_participation AS
SELECT f.dataset, f.year, n.country, n.sector, f.measure, f.value
FROM facts.gvc_node f
JOIN nodes n ON n.dataset = f.dataset AND n.node = f.node
