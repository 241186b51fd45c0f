# OECD TiVA indicators of the LR-WIOD 2000 table computed by R exvatools (reference for
# tests/test_tiva_reference.py). Called by make_reference.py, which writes the input and
# converts the output; see README.md for the whole procedure and the versions used.
#
# usage: Rscript make_tiva.R WORKDIR
#   WORKDIR/input.bin   float64 little-endian, column-major [Z | Yfd], GN x (GN + G * FD)
#   WORKDIR/names.txt   line 1: countries, line 2: sectors, line 3: final-demand categories
#                       (space separated, in table order)
# writes WORKDIR/tiva_node.csv (one row per country_sector) and WORKDIR/tiva_partner.csv
# (country_sector x partner for the matrices kept in full), every number as %.17g.

suppressPackageStartupMessages(library(exvatools))

args <- commandArgs(trailingOnly = TRUE)
work <- args[1]
nm <- strsplit(readLines(file.path(work, "names.txt")), " ")
g_names <- nm[[1]]
n_names <- nm[[2]]
fd_names <- nm[[3]]
G <- length(g_names)
N <- length(n_names)
FD <- length(fd_names)
GN <- G * N
con <- file(file.path(work, "input.bin"), "rb")
vals <- readBin(con, "double", n = GN * (GN + G * FD), size = 8, endian = "little")
close(con)
df <- matrix(vals, nrow = GN, ncol = GN + G * FD)

# exvatools builds x = rowSums(Z) + rowSums(Y) and va = x - colSums(Z) itself
wio <- make_custom_wio(df, g_names = g_names, n_names = n_names, fd_names = fd_names,
                       year = 2000, quiet = TRUE)
tiva <- make_exvadec(wio, exporter = "all", method = "oecd", output = "tiva", quiet = TRUE)

fmt <- function(x) sprintf("%.17g", x)
rows <- rownames(tiva$EXGR)

# Indicators by exporting (or origin) node: exvatools gives them by node x partner (the
# bilateral split of each node's exports); the node total is the row sum.
node_terms <- c("EXGR", "EXGR_INT", "EXGR_FNL", "EXGR_DVA", "EXGR_DDC", "EXGR_IDC",
                "EXGR_RIM", "EXGR_FVA", "DXD_DVA", "VA", "PROD")
node <- data.frame(node = rows)
for (k in node_terms) {
  node[[k]] <- fmt(rowSums(as.matrix(tiva[[k]])))
}
write.csv(node, file.path(work, "tiva_node.csv"), row.names = FALSE, quote = FALSE)

# Matrices kept whole: row = country_sector, column = partner country.
# FD_VA / FFD_DVA: origin node x absorbing country; DFD_FVA: absorbing country_source
# industry x source country; BALVAFD = FFD_DVA - DFD_FVA in that layout.
part_terms <- c("FD_VA", "FFD_DVA", "DFD_FVA", "BALVAFD")
out <- NULL
for (k in part_terms) {
  m <- as.matrix(tiva[[k]])
  out <- rbind(out, data.frame(indicator = k,
                               node = rep(rownames(m), times = ncol(m)),
                               partner = rep(colnames(m), each = nrow(m)),
                               value = fmt(as.vector(m))))
}
write.csv(out, file.path(work, "tiva_partner.csv"), row.names = FALSE, quote = FALSE)

si <- sessionInfo()
writeLines(c(paste("R", paste(R.version$major, R.version$minor, sep = ".")),
             paste("exvatools", as.character(packageVersion("exvatools"))),
             paste("data.table", as.character(packageVersion("data.table"))),
             paste("platform", si$platform),
             paste("blas", si$BLAS),
             paste("lapack", si$LAPACK)),
           file.path(work, "versions.txt"))
