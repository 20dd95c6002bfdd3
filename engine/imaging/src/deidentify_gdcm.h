#pragma once
// GDCM-level de-identification, for the DICOM reader (private to
// medverse_imaging: GDCM types stay out of the public headers).
#include <gdcmDataSet.h>
#include <gdcmFileMetaInformation.h>

#include "medverse/core/result.h"
#include "medverse/imaging/deidentify.h"

namespace medverse::imaging {

// Applies Table E.1-1 (Basic Profile) to `dataSet` in place, recursing into
// sequence items, removes all private attributes, and adds Patient Identity
// Removed, De-identification Method (+ Code Sequence) and Longitudinal
// Temporal Information Modified at the top level. Counts go into `report`
// (added to what it already holds, so one report can cover a series).
// Fails only on a data set GDCM cannot represent (e.g. an unparsable
// sequence); the data set is then partially de-identified and must be
// discarded.
[[nodiscard]] Status deidentifyDataSet(gdcm::DataSet& dataSet, UidRemapper& remapper,
                                       DeidentificationReport& report);

// The file meta information group (0002): Media Storage SOP Instance UID
// (0002,0003) is remapped (same result as SOP Instance UID), and Source /
// Sending / Receiving Application Entity Title and Private Information
// (Creator UID) are removed.
[[nodiscard]] Status deidentifyFileMeta(gdcm::FileMetaInformation& meta, UidRemapper& remapper,
                                        DeidentificationReport& report);

}  // namespace medverse::imaging
