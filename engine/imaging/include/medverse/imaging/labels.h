#pragma once
// Label maps: a volume whose values name regions (an atlas such as AAL, or a
// segmentation), and the table that gives each value a name and a colour.
//
// The table format is MRIcron's, as shipped with its atlases:
//  - `<atlas>.nii.txt`: one region per line, "<value> <name> [anything]",
//    separated by spaces or tabs, CRLF or LF. AAL's third column is the
//    original AAL region code; it is not the voxel value and is ignored.
//  - `<atlas>.nii.lut`: exactly 768 bytes, a 256-entry palette stored planar,
//    as in ImageJ/NIH Image LUTs: 256 red bytes, then 256 green, then 256
//    blue. Entry v colours voxel value v. (Checked on aal.nii.lut: left/right
//    region pairs such as values 1 and 2 share a colour in all three planes,
//    which an interleaved RGB reading would not give.)
#include <filesystem>
#include <glm/glm.hpp>
#include <string>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/imaging/volume.h"

namespace medverse::imaging {

struct LabelEntry {
  int value = 0;  // voxel value of the region
  std::string name;
  glm::u8vec3 color{0};
};

// Bytes of an MRIcron/ImageJ binary palette: 256 entries x (R, G, B) planes.
inline constexpr std::size_t kLabelLutBytes = 768;

// Reads a label table; entries come in the order of the text file. Errors
// name the file and line. Values must be 0..255 so that the palette has a
// colour for them, and may not repeat.
[[nodiscard]] Result<std::vector<LabelEntry>> readLabelTable(const std::filesystem::path& txtPath,
                                                             const std::filesystem::path& lutPath);

// Distinct non-zero values present in a label volume, ascending. Zero is the
// background (unlabelled) by convention of every atlas we read. In Float32
// volumes only whole-number values count.
[[nodiscard]] std::vector<int> labelsPresent(const Volume& volume);

}  // namespace medverse::imaging
