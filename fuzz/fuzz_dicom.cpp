// Fuzz target: DICOM series assembly on top of GDCM. The input is one to four
// files (joined by kFileSeparator), written into a directory that is then
// scanned (findDicomSeries) and whose every series is read
// (readDicomSeries): header parsing, grouping, slice ordering and spacing,
// pixel decoding and conversion.
//
// GDCM (Debian builds it with assertions) aborts on some hostile headers;
// dicom_header.cpp detects those it knows (FileHeader::undecodable) and
// refuses them before GDCM's image reader sees them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "medverse/imaging/dicom_series.h"

using namespace medverse;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::ScratchDir scratch;
  const auto& dir = scratch.fresh();
  const auto files = fuzz::splitFiles({data, size}, 4);
  for (size_t i = 0; i < files.size(); ++i) {
    fuzz::writeFile(dir / ("IM" + std::to_string(i) + ".dcm"), files[i]);
  }
  auto series = imaging::findDicomSeries(dir);
  if (!series) {
    return 0;
  }
  for (const auto& s : *series) {
    auto volume = imaging::readDicomSeries(s);
    if (volume) {
      MEDVERSE_FUZZ_CHECK(volume->validate().ok());
    }
  }
  return 0;
}
