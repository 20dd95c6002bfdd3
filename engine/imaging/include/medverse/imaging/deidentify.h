#pragma once
// DICOM de-identification: the Basic Application Level Confidentiality Profile
// of DICOM PS3.15 Annex E, applied from Table E.1-1 held as data
// (engine/imaging/data/deidentification_table.inc), not GDCM's built-in
// gdcm::Anonymizer (which knows only the 2008 table's ~48 attributes).
//
// What the de-identifier does to a data set (docs/DEIDENTIFICATION.md):
//  - every attribute listed in the table gets the table's action, in the top
//    level data set and inside every sequence item, at any depth;
//  - every private attribute (odd group) is removed, private creators too;
//  - combined codes are resolved as resolveDeidentificationAction() says;
//  - UIDs (action U) are replaced through a UidRemapper, so the same original
//    UID gets the same new UID in every file of one import (study, series and
//    frame-of-reference relationships survive, across files and inside
//    references such as Referenced SOP Instance UID);
//  - attributes the table does not list are kept: geometry (Image Position /
//    Orientation (Patient), Pixel Spacing, Slice Thickness), the pixel module
//    (Rows, Columns, Bits Allocated/Stored, High Bit, Pixel Representation,
//    Photometric Interpretation, Pixel Data), Rescale Slope/Intercept, ...;
//  - Patient Identity Removed (0012,0062) = YES, De-identification Method
//    (0012,0063) naming the profile and edition, De-identification Method Code
//    Sequence (0012,0064) = (113100, DCM, "Basic Application Confidentiality
//    Profile"), and Longitudinal Temporal Information Modified (0028,0303) =
//    REMOVED are added to the top level data set.
// Pixel data is not inspected: text burned into the pixels is not removed
// (the Clean Pixel Data Option is not implemented); the report says when
// Burned In Annotation (0028,0301) is YES.
//
// The GDCM-level entry point, deidentifyDataSet(gdcm::DataSet&, ...), is in
// the private header src/deidentify_gdcm.h for the DICOM reader.
#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

#include "medverse/core/result.h"

namespace medverse::imaging {

// The edition of PS3.15 whose Table E.1-1 the table follows; also the value
// written to De-identification Method (0012,0063) (LO: at most 64 chars).
inline constexpr std::string_view kDeidentificationMethod =
    "DICOM PS3.15 2026c E.1-1 Basic Application Confidentiality";
inline constexpr std::string_view kDeidentificationEdition = "DICOM PS3.15 2026c";

// One row of Table E.1-1. A row matches (g,e) when
// (g & groupMask) == group && (e & elementMask) == element.
struct DeidentificationRule {
  std::uint16_t group = 0;
  std::uint16_t element = 0;
  std::string_view name;
  std::string_view action;  // the table's Basic Profile code: "X", "Z", "X/Z/D", "X/Z/U*", ...
  std::uint16_t groupMask = 0xFFFF;
  std::uint16_t elementMask = 0xFFFF;

  [[nodiscard]] constexpr bool matches(std::uint16_t g, std::uint16_t e) const {
    return (g & groupMask) == group && (e & elementMask) == element;
  }
  [[nodiscard]] constexpr bool isRange() const {
    return groupMask != 0xFFFF || elementMask != 0xFFFF;
  }
};

// All rows of the table, in tag order.
[[nodiscard]] std::span<const DeidentificationRule> deidentificationTable();

// The row for a tag: an exact row if there is one, else a range row (curve
// data, overlays, private attributes), else nullptr (not in the table: keep).
[[nodiscard]] const DeidentificationRule* findDeidentificationRule(std::uint16_t group,
                                                                   std::uint16_t element);

// What the de-identifier does with an attribute.
enum class DeidentificationAction : std::uint8_t {
  Keep,            // K (sequences: kept, their items de-identified)
  Remove,          // X
  Empty,           // Z: zero-length value (sequences: zero items)
  Dummy,           // D: a fixed value valid for the VR (sequences: zero items)
  Clean,           // C: handled as D (no safe "similar meaning" values known)
  ReplaceUid,      // U: each UID value through the UidRemapper
  ReplaceItemUids  // U* of X/Z/U*: keep the sequence, de-identify its items
};

// Resolves a table code. The combined codes let a de-identifier that knows the
// attribute's Type in the IOD choose; this one works on any IOD, so it takes
// the strictest choice that keeps every IOD valid:
//   X/Z -> Z (zero length is valid for Type 2 and 3),
//   X/D, Z/D, X/Z/D -> D (a dummy is valid for Type 1, 2 and 3),
//   X/Z/U* -> U* (items kept, the UIDs in them replaced; valid for all Types).
// Unknown codes resolve to Remove.
[[nodiscard]] DeidentificationAction resolveDeidentificationAction(std::string_view code);

// Replaces UIDs with new ones derived deterministically from the original and
// a secret key: "2.25." followed by the decimal value of a 128-bit UUID built
// from keyed BLAKE2b(original UID) (version 8, RFC 9562 variant). One remapper
// per import: the same original UID always maps to the same new UID, so all
// files of a study stay consistent, while a new remapper (new random key)
// makes the UIDs of a second import unlinkable to the first. The key never
// leaves the process; the mapping cannot be inverted without it.
// remap() is const and thread-safe.
class UidRemapper {
 public:
  // A fresh random 32-byte key (libsodium randombytes).
  UidRemapper();
  // A caller-supplied key: reproducible output (tests, resumable imports).
  explicit UidRemapper(std::span<const std::uint8_t, 32> key);

  // The new UID for one UID value (surrounding spaces/NULs ignored).
  [[nodiscard]] std::string remap(std::string_view originalUid) const;

 private:
  std::array<std::uint8_t, 32> key_{};
};

// What de-identification did (counts only: never values).
struct DeidentificationReport {
  std::size_t removed = 0;         // X (table rows), not counting private attributes
  std::size_t emptied = 0;         // Z, and sequences emptied for D
  std::size_t dummied = 0;         // D and C on non-sequence attributes
  std::size_t uidsReplaced = 0;    // UID values replaced (U, and D on a UI attribute)
  std::size_t privateRemoved = 0;  // private attributes removed (all depths)
  std::size_t sequenceItemsVisited = 0;
  bool burnedInAnnotation = false;  // (0028,0301) was YES: pixels may show identity
};

// Reads a DICOM file with GDCM, de-identifies its data set and file meta
// information (Media Storage SOP Instance UID remapped like SOP Instance UID;
// source/sending/receiving AE titles and private meta information removed) and
// writes it to `out` (same transfer syntax; pixel data untouched). Errors name
// the file and what failed. `in` and `out` may not be the same file.
[[nodiscard]] Result<DeidentificationReport> deidentifyFile(const std::filesystem::path& in,
                                                            const std::filesystem::path& out,
                                                            UidRemapper& remapper);

}  // namespace medverse::imaging
