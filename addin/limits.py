"""The bounds Jiceng puts on one submitted file, named in one place.

No real submission comes near them: the official templates are a few dozen rows and a few
kilobytes. They exist because a file from an inbox is hostile until read: a 15 KB file can ask
a reader for 500 GB, a 1 MB zip can inflate to 1 GB. Beyond a bound the file gets
`file.too_large` (naming the part of the file and the figure) and is not parsed at all.
"""

from __future__ import annotations

from dataclasses import dataclass

MIB = 1 << 20


@dataclass(frozen=True)
class Limits:
    # Before parsing. The file itself: the only bound on an .xls (OLE, not a zip), whose
    # parser calamine holds in memory; a real submission is well under 1 MB.
    max_file_bytes: int = 50 * MIB
    # The zip is inspected by streaming, nothing trusted from its directory:
    max_inflated: int = 200 * MIB  # all members of the zip together, uncompressed
    max_member: int = 200 * MIB  # one member, uncompressed
    max_ratio: int = 100  # uncompressed : compressed, for a member of at least ratio_floor bytes
    ratio_floor: int = 1 * MIB
    max_members: int = 10_000
    max_rows: int = 100_000  # the last row holding content, per sheet
    max_cols: int = 1_000  # the last column holding content, per sheet
    # Cells of the range a reader allocates, all sheets together (rows × columns of each
    # sheet's used area, or of what an .xls declares): calamine holds up to about 100 bytes per
    # cell while it builds the ranges of an .xls with formulas (POI's SharedFormulaTest.xls,
    # 4.26 million cells: 415 MB), so this keeps the read of any format under 512 MB.
    max_cells: int = 4_000_000
    # Merged ranges, all sheets together: cells they span (a whole column A:A is 1,048,576)
    # and how many there are. A template has tens of ranges spanning a few hundred cells;
    # these keep what Jiceng holds to answer "which range is this cell in" under 100 MB.
    max_merged_cells: int = 10_000_000
    max_merges: int = 20_000
    # While working (each file in its own worker process):
    memory: int = 2048 * MIB  # address space of one worker
    timeout: float = 120.0  # seconds for one file
    # What a file's report lists one by one (the rest is counted): `finding_cap`.
    max_findings: int = 1_000
    # What one batch writes: 整改通知 (each with its PDF). A department has tens of 党总支; a
    # batch over this (an inbox of files named at random) makes the first ones and says how
    # many were not made — their problems are in 汇总报告 all the same.
    max_notices: int = 300

    def figures(self) -> dict[str, str]:
        """The limits as a person reads them (README, `--help`)."""
        return {
            "文件大小": f"{self.max_file_bytes // MIB} MB",
            "解压后总大小": f"{self.max_inflated // MIB} MB",
            "单个部件解压后大小": f"{self.max_member // MIB} MB",
            "压缩比": f"{self.max_ratio}:1（部件不小于 {self.ratio_floor // MIB} MB 时）",
            "压缩包部件数": f"{self.max_members}",
            "每张工作表内容行数": f"{self.max_rows}",
            "每张工作表内容列数": f"{self.max_cols}",
            "所有工作表内容区域的单元格数": f"{self.max_cells:,}",
            "所有工作表合并单元格的总面积": f"{self.max_merged_cells:,} 个单元格",
            "所有工作表合并区域的个数": f"{self.max_merges:,}",
            "每个文件的内存": f"{self.memory // MIB} MB",
            "每个文件的时间": f"{self.timeout:g} 秒",
            "每个文件逐条列出的问题": f"{self.max_findings} 条",
            "每批整改通知": f"{self.max_notices} 份",
        }


DEFAULT_LIMITS = Limits()
