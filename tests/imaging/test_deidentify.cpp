// DICOM de-identification (PS3.15 Annex E Basic Profile) on real files:
// Debian's python3-pydicom test data. The decisive check: no identifying value
// read from the input (any attribute the table does not keep, at any depth)
// occurs anywhere in the bytes of the output file.
#include <doctest/doctest.h>
#include <gdcmDataElement.h>
#include <gdcmDataSet.h>
#include <gdcmDicts.h>
#include <gdcmGlobal.h>
#include <gdcmItem.h>
#include <gdcmReader.h>
#include <gdcmSequenceOfItems.h>
#include <gdcmTag.h>
#include <gdcmWriter.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "medverse/imaging/deidentify.h"
#include "temp_files.h"

namespace medverse::imaging {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

const fs::path kPydicomFiles = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

std::string fileBytes(const fs::path& path) {
  std::string bytes(static_cast<std::size_t>(fs::file_size(path)), '\0');
  std::ifstream in(path, std::ios::binary);
  in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  return bytes;
}

struct Dicom {
  std::unique_ptr<gdcm::Reader> reader = std::make_unique<gdcm::Reader>();
  [[nodiscard]] gdcm::DataSet& ds() const { return reader->GetFile().GetDataSet(); }
  [[nodiscard]] gdcm::FileMetaInformation& meta() const { return reader->GetFile().GetHeader(); }
};

Dicom readDicom(const fs::path& path) {
  Dicom dicom;
  dicom.reader->SetFileName(path.string().c_str());
  REQUIRE_MESSAGE(dicom.reader->Read(), "GDCM cannot read " << path);
  return dicom;
}

std::string trimmed(std::string text) {
  while (!text.empty() && (text.back() == ' ' || text.back() == '\0')) {
    text.pop_back();
  }
  while (!text.empty() && (text.front() == ' ' || text.front() == '\0')) {
    text.erase(text.begin());
  }
  return text;
}

std::string rawValue(const gdcm::DataSet& ds, gdcm::Tag tag) {
  if (!ds.FindDataElement(tag)) {
    return {};
  }
  const gdcm::ByteValue* bv = ds.GetDataElement(tag).GetByteValue();
  if (bv == nullptr || bv->GetPointer() == nullptr) {
    return {};
  }
  return {bv->GetPointer(), bv->GetLength()};
}

std::string text(const gdcm::DataSet& ds, std::uint16_t group, std::uint16_t element) {
  return trimmed(rawValue(ds, gdcm::Tag(group, element)));
}

gdcm::VR vrOf(const gdcm::DataElement& de) {
  gdcm::VR vr = de.GetVR();
  if (vr == gdcm::VR::INVALID || vr == gdcm::VR::UN) {
    const gdcm::DictEntry& entry = gdcm::Global::GetInstance().GetDicts().GetDictEntry(de.GetTag());
    if (entry.GetVR() != gdcm::VR::INVALID) {
      vr = entry.GetVR();
    }
  }
  return vr;
}

bool isTextVr(gdcm::VR vr) {
  switch (vr) {
    case gdcm::VR::AE:
    case gdcm::VR::AS:
    case gdcm::VR::CS:
    case gdcm::VR::DA:
    case gdcm::VR::DS:
    case gdcm::VR::DT:
    case gdcm::VR::IS:
    case gdcm::VR::LO:
    case gdcm::VR::LT:
    case gdcm::VR::PN:
    case gdcm::VR::SH:
    case gdcm::VR::ST:
    case gdcm::VR::TM:
    case gdcm::VR::UC:
    case gdcm::VR::UI:
    case gdcm::VR::UR:
    case gdcm::VR::UT:
      return true;
    default:
      return false;
  }
}

gdcm::SmartPointer<gdcm::SequenceOfItems> sequenceOf(const gdcm::DataElement& de) {
  if (de.IsEmpty()) {
    return nullptr;
  }
  if (vrOf(de) != gdcm::VR::SQ &&
      dynamic_cast<const gdcm::SequenceOfItems*>(&de.GetValue()) == nullptr) {
    return nullptr;
  }
  return de.GetValueAsSQ();
}

// Every text value the de-identifier must not let through: the values of all
// (non-private) attributes the table does not keep, and of everything nested
// in such sequences. Short values ("O", "05", "1") say nothing on their own
// and would match unrelated bytes, so only values of 4+ characters count.
void collectIdentifying(const gdcm::DataSet& ds, bool inside, std::set<std::string>& out,
                        std::set<std::string>& kept) {
  for (const gdcm::DataElement& de : ds.GetDES()) {
    const gdcm::Tag tag = de.GetTag();
    if (tag.IsPrivate()) {
      continue;  // private attributes: checked separately (all removed)
    }
    const DeidentificationRule* rule = findDeidentificationRule(tag.GetGroup(), tag.GetElement());
    const bool identifying =
        inside || (rule != nullptr &&
                   resolveDeidentificationAction(rule->action) != DeidentificationAction::Keep);
    if (const auto sq = sequenceOf(de)) {
      for (gdcm::SequenceOfItems::SizeType i = 1; i <= sq->GetNumberOfItems(); ++i) {
        collectIdentifying(sq->GetItem(i).GetNestedDataSet(), identifying, out, kept);
      }
      continue;
    }
    if (!isTextVr(vrOf(de)) || de.GetByteValue() == nullptr) {
      continue;
    }
    const std::string value = rawValue(ds, tag);
    std::size_t start = 0;
    while (start <= value.size()) {
      std::size_t end = value.find('\\', start);
      if (end == std::string::npos) {
        end = value.size();
      }
      std::string part = trimmed(value.substr(start, end - start));
      if (!identifying) {
        kept.insert(part);
      } else if (part.size() >= 4) {
        out.insert(part);
      }
      start = end + 1;
    }
  }
}

// Odd-group tags anywhere (any depth).
int countPrivate(const gdcm::DataSet& ds) {
  int count = 0;
  for (const gdcm::DataElement& de : ds.GetDES()) {
    if (de.GetTag().IsPrivate()) {
      ++count;
    }
    if (const auto sq = sequenceOf(de)) {
      for (gdcm::SequenceOfItems::SizeType i = 1; i <= sq->GetNumberOfItems(); ++i) {
        count += countPrivate(sq->GetItem(i).GetNestedDataSet());
      }
    }
  }
  return count;
}

std::array<std::uint8_t, 32> testKey(std::uint8_t seed) {
  std::array<std::uint8_t, 32> key{};
  for (std::size_t i = 0; i < key.size(); ++i) {
    key[i] = static_cast<std::uint8_t>(seed + 31 * i);
  }
  return key;
}

TEST_CASE("deidentification table: every row of PS3.15 Table E.1-1, with the right actions") {
  const auto table = deidentificationTable();
  CHECK(table.size() == 647);
  CHECK(kDeidentificationEdition == "DICOM PS3.15 2026c");

  // Sorted, unique, and only the codes PS3.15 E.1.1 defines.
  const std::set<std::string_view> codes = {"X",   "Z",   "D",   "K",     "C",     "U",
                                            "X/Z", "X/D", "Z/D", "X/Z/D", "X/Z/U*"};
  for (std::size_t i = 0; i < table.size(); ++i) {
    CHECK_MESSAGE(codes.count(table[i].action) == 1, table[i].name << ": " << table[i].action);
    CHECK(!table[i].name.empty());
    if (i > 0) {
      const auto key = [](const DeidentificationRule& r) {
        return (std::uint32_t{r.group} << 16U) | r.element;
      };
      CHECK_MESSAGE(key(table[i - 1]) < key(table[i]), table[i].name);
    }
  }

  struct Spot {
    std::uint16_t group, element;
    std::string_view name, action;
  };
  // Patient ID is Z/D from the 2026c edition (Z up to ~2021b).
  const Spot spots[] = {
      {0x0010, 0x0010, "Patient's Name", "Z"},
      {0x0010, 0x0020, "Patient ID", "Z/D"},
      {0x0010, 0x0030, "Patient's Birth Date", "Z"},
      {0x0008, 0x0080, "Institution Name", "X/Z/D"},
      {0x0020, 0x000D, "Study Instance UID", "U"},
      {0x0008, 0x0050, "Accession Number", "Z"},
      {0x0008, 0x0018, "SOP Instance UID", "U"},
      {0x0020, 0x0052, "Frame of Reference UID", "U"},
      {0x0008, 0x0020, "Study Date", "Z"},
      {0x0008, 0x0090, "Referring Physician's Name", "Z"},
      {0x0008, 0x0081, "Institution Address", "X"},
      {0x0010, 0x1040, "Patient's Address", "X"},
      {0x0008, 0x1050, "Performing Physician's Name", "X"},
      {0x0008, 0x1140, "Referenced Image Sequence", "X/Z/U*"},
      {0x0008, 0x0012, "Instance Creation Date", "X/D"},
      {0x0018, 0x1000, "Device Serial Number", "X/Z/D"},
  };
  for (const Spot& spot : spots) {
    const DeidentificationRule* rule = findDeidentificationRule(spot.group, spot.element);
    REQUIRE_MESSAGE(rule != nullptr, spot.name);
    CHECK(rule->name == spot.name);
    CHECK(rule->action == spot.action);
  }

  // Range rows: curve data, overlays, private attributes.
  const DeidentificationRule* curve = findDeidentificationRule(0x5012, 0x3000);
  REQUIRE(curve != nullptr);
  CHECK(curve->name == "Curve Data");
  const DeidentificationRule* overlay = findDeidentificationRule(0x6002, 0x3000);
  REQUIRE(overlay != nullptr);
  CHECK(overlay->name == "Overlay Data");
  const DeidentificationRule* overlayComments = findDeidentificationRule(0x601E, 0x4000);
  REQUIRE(overlayComments != nullptr);
  CHECK(overlayComments->name == "Overlay Comments");
  const DeidentificationRule* priv = findDeidentificationRule(0x0029, 0x1010);
  REQUIRE(priv != nullptr);
  CHECK(priv->action == "X");

  // Geometry and pixel attributes are not in the table: kept.
  for (const auto& [g, e] :
       std::vector<std::pair<std::uint16_t, std::uint16_t>>{{0x0020, 0x0032},
                                                            {0x0020, 0x0037},
                                                            {0x0028, 0x0030},
                                                            {0x0018, 0x0050},
                                                            {0x0028, 0x0010},
                                                            {0x0028, 0x0011},
                                                            {0x0028, 0x0100},
                                                            {0x0028, 0x0101},
                                                            {0x0028, 0x0102},
                                                            {0x0028, 0x0103},
                                                            {0x0028, 0x1052},
                                                            {0x0028, 0x1053},
                                                            {0x0028, 0x0004},
                                                            {0x7FE0, 0x0010},
                                                            {0x0008, 0x0016},
                                                            {0x0008, 0x0060}}) {
    CHECK(findDeidentificationRule(g, e) == nullptr);
  }
}

TEST_CASE("deidentification: combined codes resolve to the strictest action valid for any IOD") {
  using A = DeidentificationAction;
  CHECK(resolveDeidentificationAction("X") == A::Remove);
  CHECK(resolveDeidentificationAction("Z") == A::Empty);
  CHECK(resolveDeidentificationAction("D") == A::Dummy);
  CHECK(resolveDeidentificationAction("K") == A::Keep);
  CHECK(resolveDeidentificationAction("C") == A::Clean);
  CHECK(resolveDeidentificationAction("U") == A::ReplaceUid);
  CHECK(resolveDeidentificationAction("X/Z") == A::Empty);
  CHECK(resolveDeidentificationAction("X/D") == A::Dummy);
  CHECK(resolveDeidentificationAction("Z/D") == A::Dummy);
  CHECK(resolveDeidentificationAction("X/Z/D") == A::Dummy);
  CHECK(resolveDeidentificationAction("X/Z/U*") == A::ReplaceItemUids);
  CHECK(resolveDeidentificationAction("?") == A::Remove);
}

TEST_CASE("deidentification: UidRemapper is deterministic per key and yields valid 2.25 UIDs") {
  const auto key = testKey(7);
  const UidRemapper a(key);
  const UidRemapper b(key);
  const UidRemapper other(testKey(8));
  const std::string uid = "1.3.6.1.4.1.5962.1.2.1.20040119072730.12322";
  const std::string mapped = a.remap(uid);
  CHECK(mapped == b.remap(uid));
  CHECK(mapped == a.remap(uid + '\0'));  // UI padding is not part of the UID
  CHECK(mapped != a.remap(uid + "1"));
  CHECK(mapped != other.remap(uid));
  CHECK(UidRemapper().remap(uid) != UidRemapper().remap(uid));  // random key per import
  CHECK(mapped.rfind("2.25.", 0) == 0);
  CHECK(mapped.size() <= 64);
  const std::string digits = mapped.substr(5);
  CHECK(!digits.empty());
  CHECK(digits.front() != '0');
  CHECK(std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }));
}

TEST_CASE("deidentification: no identifying value survives anywhere in the output file") {
  const char* files[] = {"CT_small.dcm",
                         "MR_small.dcm",
                         "MR_small_implicit.dcm",
                         "MR_small_bigendian.dcm",
                         "rtplan.dcm",
                         "rtstruct.dcm",
                         "rtdose.dcm",
                         "nested_priv_SQ.dcm",
                         "priv_SQ.dcm",
                         "waveform_ecg.dcm",
                         "test-SR.dcm"};
  TempDir dir;
  for (const char* name : files) {
    CAPTURE(name);
    const fs::path in = kPydicomFiles / name;
    if (!fs::exists(in)) {
      WARN_MESSAGE(false, "missing test file " << in << " (python3-pydicom)");
      continue;
    }
    std::set<std::string> identifying;
    std::set<std::string> kept;
    {
      const Dicom original = readDicom(in);
      collectIdentifying(original.ds(), false, identifying, kept);
      // The file meta repeats the SOP Instance UID; the source AE is a site name.
      const std::string sourceAe = text(original.meta(), 0x0002, 0x0016);
      if (sourceAe.size() >= 4) {
        identifying.insert(sourceAe);
      }
    }
    if (std::string_view(name) == "CT_small.dcm") {  // the check is not vacuous
      for (const char* value : {"CompressedSamples^CT1", "1CT1", "ABCD1234", "JFK IMAGING CENTER",
                                "CT01_OC0", "CLUNIE1", "20040119", "19970430"}) {
        CHECK_MESSAGE(identifying.count(value) == 1, value);
      }
    }
    const fs::path out = dir / (std::string("deid-") + name);
    // A fixed key makes the new UIDs reproducible: random digits would now and
    // then contain a short identifying number (a 4-digit ID) by chance.
    std::array<std::uint8_t, 32> key{};
    for (std::size_t i = 0; i < key.size(); ++i) {
      key[i] = static_cast<std::uint8_t>(17 * i + 3);
    }
    UidRemapper remapper(key);
    const auto report = deidentifyFile(in, out, remapper);
    REQUIRE_MESSAGE(report.ok(), report.error().message);

    // A value that is also (part of) a value the table keeps cannot be told
    // apart in the bytes: Institution Name "TOSHIBA" inside Manufacturer
    // "TOSHIBA_MEC", Patient's Weight "0.000000" = Gantry Tilt "0.000000".
    std::erase_if(identifying, [&](const std::string& value) {
      const bool alsoKept = std::any_of(kept.begin(), kept.end(), [&](const std::string& keep) {
        return keep.find(value) != std::string::npos;
      });
      if (alsoKept) {
        MESSAGE(name << ": \"" << value << "\" not checked: also in a kept attribute");
      }
      return alsoKept;
    });
    const std::string bytes = fileBytes(out);
    for (const std::string& value : identifying) {
      CHECK_MESSAGE(bytes.find(value) == std::string::npos,
                    name << ": \"" << value << "\" is still in the output");
    }

    const Dicom result = readDicom(out);
    CHECK(countPrivate(result.ds()) == 0);
    CHECK(countPrivate(result.meta()) == 0);
    CHECK(text(result.ds(), 0x0012, 0x0062) == "YES");
    CHECK(text(result.ds(), 0x0012, 0x0063) == kDeidentificationMethod);
    CHECK(text(result.ds(), 0x0028, 0x0303) == "REMOVED");
    // Media Storage SOP Instance UID follows SOP Instance UID.
    if (result.ds().FindDataElement(gdcm::Tag(0x0008, 0x0018)) &&
        result.meta().FindDataElement(gdcm::Tag(0x0002, 0x0003))) {
      CHECK(text(result.meta(), 0x0002, 0x0003) == text(result.ds(), 0x0008, 0x0018));
    }
  }
}

TEST_CASE("deidentification: CT_small in detail (report, dummies, code sequence)") {
  TempDir dir;
  const fs::path in = kPydicomFiles / "CT_small.dcm";
  const fs::path out = dir / "ct.dcm";
  UidRemapper remapper(testKey(1));
  const auto report = deidentifyFile(in, out, remapper);
  REQUIRE_MESSAGE(report.ok(), report.error().message);
  CHECK(report->privateRemoved >= 10);  // GEMS groups 0009, 0011, 0019, 0021, 0023, 0043
  CHECK(report->removed > 0);
  CHECK(report->uidsReplaced >=
        5);  // SOP, Study, Series, Frame of Reference, Instance Creator, meta
  CHECK_FALSE(report->burnedInAnnotation);

  const Dicom result = readDicom(out);
  const gdcm::DataSet& ds = result.ds();
  CHECK(text(ds, 0x0010, 0x0010).empty());                         // Patient's Name: Z
  CHECK(ds.FindDataElement(gdcm::Tag(0x0010, 0x0010)));            // ... present (Type 2), empty
  CHECK(text(ds, 0x0010, 0x0020) == "ANONYMOUS");                  // Patient ID: Z/D -> D
  CHECK(text(ds, 0x0008, 0x0020).empty());                         // Study Date: Z
  CHECK(text(ds, 0x0008, 0x0021) == "19000101");                   // Series Date: X/D -> D
  CHECK(text(ds, 0x0008, 0x0031) == "000000.00");                  // Series Time: X/D -> D
  CHECK(text(ds, 0x0008, 0x0080) == "ANONYMOUS");                  // Institution Name: X/Z/D -> D
  CHECK_FALSE(ds.FindDataElement(gdcm::Tag(0x0010, 0x1002)));      // Other Patient IDs Sequence: X
  CHECK_FALSE(ds.FindDataElement(gdcm::Tag(0x0008, 0x1030)));      // Study Description: X
  CHECK(text(ds, 0x0008, 0x0060) == "CT");                         // Modality: kept
  CHECK(text(ds, 0x0008, 0x0016) == "1.2.840.10008.5.1.4.1.1.2");  // SOP Class UID: kept

  // De-identification Method Code Sequence: (113100, DCM).
  REQUIRE(ds.FindDataElement(gdcm::Tag(0x0012, 0x0064)));
  const auto sq = ds.GetDataElement(gdcm::Tag(0x0012, 0x0064)).GetValueAsSQ();
  REQUIRE(sq);
  REQUIRE(sq->GetNumberOfItems() == 1);
  const gdcm::DataSet& code = sq->GetItem(1).GetNestedDataSet();
  CHECK(text(code, 0x0008, 0x0100) == "113100");
  CHECK(text(code, 0x0008, 0x0102) == "DCM");
  CHECK(text(code, 0x0008, 0x0104) == "Basic Application Confidentiality Profile");
}

TEST_CASE("deidentification: geometry, pixel attributes and pixel data are unchanged") {
  TempDir dir;
  for (const char* name : {"CT_small.dcm", "MR_small.dcm", "MR_small_implicit.dcm"}) {
    CAPTURE(name);
    const fs::path in = kPydicomFiles / name;
    const fs::path out = dir / name;
    UidRemapper remapper;
    const auto report = deidentifyFile(in, out, remapper);
    REQUIRE_MESSAGE(report.ok(), report.error().message);
    const Dicom before = readDicom(in);
    const Dicom after = readDicom(out);
    const std::pair<std::uint16_t, std::uint16_t> kept[] = {
        {0x0020, 0x0032}, {0x0020, 0x0037}, {0x0028, 0x0030}, {0x0018, 0x0050}, {0x0028, 0x0010},
        {0x0028, 0x0011}, {0x0028, 0x0100}, {0x0028, 0x0101}, {0x0028, 0x0102}, {0x0028, 0x0103},
        {0x0028, 0x1052}, {0x0028, 0x1053}, {0x0028, 0x0004}, {0x0028, 0x0002}, {0x7FE0, 0x0010}};
    for (const auto& [g, e] : kept) {
      const gdcm::Tag tag(g, e);
      CAPTURE(tag);
      if (!before.ds().FindDataElement(tag)) {
        continue;
      }
      REQUIRE(after.ds().FindDataElement(tag));
      CHECK(rawValue(before.ds(), tag) == rawValue(after.ds(), tag));
    }
    const std::string pixels = rawValue(after.ds(), gdcm::Tag(0x7FE0, 0x0010));
    CHECK(pixels.size() > 1000);
    CHECK(pixels == rawValue(before.ds(), gdcm::Tag(0x7FE0, 0x0010)));
    // The frame of reference is remapped, not dropped.
    const std::string frame = text(after.ds(), 0x0020, 0x0052);
    if (!text(before.ds(), 0x0020, 0x0052).empty()) {
      CHECK(frame.rfind("2.25.", 0) == 0);
      CHECK(frame != text(before.ds(), 0x0020, 0x0052));
    }
  }
}

TEST_CASE("deidentification: UIDs are replaced consistently across the files of one import") {
  TempDir dir;
  const fs::path first = kPydicomFiles / "CT_small.dcm";
  // A second instance of the same study and series: CT_small with another
  // SOP Instance UID.
  const fs::path second = dir / "second.dcm";
  const std::string secondSop = "1.3.6.1.4.1.5962.1.1.1.1.2.20040119072730.12322";
  {
    gdcm::Reader reader;
    reader.SetFileName(first.string().c_str());
    REQUIRE(reader.Read());
    for (gdcm::DataSet* ds : {&reader.GetFile().GetDataSet(),
                              static_cast<gdcm::DataSet*>(&reader.GetFile().GetHeader())}) {
      const gdcm::Tag tag = ds == &reader.GetFile().GetDataSet() ? gdcm::Tag(0x0008, 0x0018)
                                                                 : gdcm::Tag(0x0002, 0x0003);
      gdcm::DataElement de(tag);
      de.SetVR(gdcm::VR::UI);
      std::string value = secondSop;
      if (value.size() % 2 != 0) {
        value.push_back('\0');
      }
      de.SetByteValue(value.data(), gdcm::VL(static_cast<std::uint32_t>(value.size())));
      ds->Replace(de);
    }
    gdcm::Writer writer;
    writer.SetFileName(second.string().c_str());
    writer.SetFile(reader.GetFile());
    REQUIRE(writer.Write());
  }

  UidRemapper import;  // one import: one remapper for all its files
  REQUIRE(deidentifyFile(first, dir / "a.dcm", import).ok());
  REQUIRE(deidentifyFile(second, dir / "b.dcm", import).ok());
  const Dicom original = readDicom(first);
  const Dicom a = readDicom(dir / "a.dcm");
  const Dicom b = readDicom(dir / "b.dcm");

  // Plain variables, not a structured binding: CAPTURE's lambda cannot
  // capture one in clang 14 (the fuzz preset builds this suite with it).
  for (const auto& tag : {std::pair<std::uint16_t, std::uint16_t>{0x0020, 0x000D},
                          {0x0020, 0x000E},
                          {0x0020, 0x0052}}) {
    const std::uint16_t g = tag.first;
    const std::uint16_t e = tag.second;
    CAPTURE(gdcm::Tag(g, e));
    const std::string newUid = text(a.ds(), g, e);
    CHECK(newUid.rfind("2.25.", 0) == 0);
    CHECK(newUid != text(original.ds(), g, e));
    CHECK(newUid == text(b.ds(), g, e));  // same study, series, frame of reference
  }
  const std::string sopA = text(a.ds(), 0x0008, 0x0018);
  const std::string sopB = text(b.ds(), 0x0008, 0x0018);
  CHECK(sopA != sopB);
  CHECK(sopA != text(original.ds(), 0x0008, 0x0018));
  CHECK(sopB.find(secondSop) == std::string::npos);
  CHECK(text(a.meta(), 0x0002, 0x0003) == sopA);
  CHECK(text(b.meta(), 0x0002, 0x0003) == sopB);

  // Another import (another remapper) cannot be linked to the first.
  UidRemapper otherImport;
  REQUIRE(deidentifyFile(first, dir / "c.dcm", otherImport).ok());
  const Dicom c = readDicom(dir / "c.dcm");
  CHECK(text(c.ds(), 0x0020, 0x000D) != text(a.ds(), 0x0020, 0x000D));
}

// All values of the given tags, at any depth, in document order.
void collectValues(const gdcm::DataSet& ds, const std::set<gdcm::Tag>& tags,
                   std::vector<std::string>& out) {
  for (const gdcm::DataElement& de : ds.GetDES()) {
    if (tags.count(de.GetTag()) != 0) {
      out.push_back(trimmed(rawValue(ds, de.GetTag())));
    }
    if (const auto sq = sequenceOf(de)) {
      for (gdcm::SequenceOfItems::SizeType i = 1; i <= sq->GetNumberOfItems(); ++i) {
        collectValues(sq->GetItem(i).GetNestedDataSet(), tags, out);
      }
    }
  }
}

TEST_CASE("deidentification: references inside nested sequences are remapped consistently") {
  // rtstruct / rtplan / rtdose: Frame of Reference UIDs and Referenced SOP
  // Instance UIDs several sequence levels deep (Referenced Frame of Reference
  // Sequence > RT Referenced Study Sequence > ... > Contour Image Sequence,
  // ROI Contour Sequence, Referenced RT Plan Sequence, ...).
  const std::set<gdcm::Tag> uidTags = {gdcm::Tag(0x0008, 0x1155), gdcm::Tag(0x0020, 0x0052),
                                       gdcm::Tag(0x3006, 0x0024), gdcm::Tag(0x0020, 0x000D),
                                       gdcm::Tag(0x0020, 0x000E)};
  TempDir dir;
  for (const char* name : {"rtstruct.dcm", "rtplan.dcm", "rtdose.dcm"}) {
    CAPTURE(name);
    const fs::path in = kPydicomFiles / name;
    UidRemapper remapper(testKey(3));
    const auto report = deidentifyFile(in, dir / name, remapper);
    REQUIRE_MESSAGE(report.ok(), report.error().message);
    std::vector<std::string> before;
    std::vector<std::string> after;
    collectValues(readDicom(in).ds(), uidTags, before);
    collectValues(readDicom(dir / name).ds(), uidTags, after);
    REQUIRE(before.size() == after.size());
    CHECK(before.size() >= 3);
    for (std::size_t i = 0; i < before.size(); ++i) {
      CAPTURE(before[i]);
      CHECK(after[i] == remapper.remap(before[i]));
    }
  }
}

TEST_CASE("deidentification: errors name the file") {
  TempDir dir;
  UidRemapper remapper;
  const fs::path missing = dir / "missing.dcm";
  const auto noFile = deidentifyFile(missing, dir / "out.dcm", remapper);
  REQUIRE_FALSE(noFile.ok());
  CHECK(noFile.error().message.find(missing.string()) != std::string::npos);

  const fs::path notDicom = dir / "notes.txt";
  { std::ofstream(notDicom) << "Patient: John Doe, not a DICOM file at all\n"; }
  const auto bad = deidentifyFile(notDicom, dir / "out.dcm", remapper);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find(notDicom.string()) != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "out.dcm"));

  const fs::path copy = dir / "ct.dcm";
  fs::copy_file(kPydicomFiles / "CT_small.dcm", copy);
  const auto inPlace = deidentifyFile(copy, copy, remapper);
  REQUIRE_FALSE(inPlace.ok());
  CHECK(inPlace.error().message.find(copy.string()) != std::string::npos);

  const auto unwritable = deidentifyFile(copy, dir / "no" / "such" / "dir" / "x.dcm", remapper);
  REQUIRE_FALSE(unwritable.ok());
  CHECK(unwritable.error().message.find("x.dcm") != std::string::npos);
}

}  // namespace
}  // namespace medverse::imaging
