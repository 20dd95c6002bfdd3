#pragma once
// Mesh formats are chosen by extension, compared case-insensitively
// (scanners and Windows tools write ".STL").
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <string>

namespace medverse::assets {

// ".stl" for "Scan.STL"; empty when the file has no extension.
inline std::string lowercaseExtension(const std::filesystem::path& path) {
  std::string ext = path.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

}  // namespace medverse::assets
