-- name: product_groups
-- kind: table
-- grain: dataset, product_group, sector
-- doc: User-defined product groups for the final-product value chains: INSERT INTO product_groups
-- doc: VALUES ('wiod2013', 'autos_and_electronics', 'c14'), ('wiod2013', 'autos_and_electronics', 'c15').
-- doc: A group defined here replaces a concordance group or sector of the same name (view
-- doc: product_group_members). Created if missing.
CREATE TABLE IF NOT EXISTS product_groups (
    dataset VARCHAR NOT NULL, product_group VARCHAR NOT NULL, sector VARCHAR NOT NULL,
    PRIMARY KEY (dataset, product_group, sector));
COMMENT ON TABLE product_groups IS 'user-defined product groups (sector lists) for final_output_group and gvc_income';
COMMENT ON COLUMN product_groups.dataset IS 'dataset whose sector codes the group uses';
COMMENT ON COLUMN product_groups.product_group IS 'group name';
COMMENT ON COLUMN product_groups.sector IS 'sector code of the dataset that belongs to the group';
