// DICOM de-identification (PS3.15 Annex E Basic Profile), table-driven.
// See medverse/imaging/deidentify.h and docs/DEIDENTIFICATION.md.
#include "medverse/imaging/deidentify.h"

#include <gdcmDataElement.h>
#include <gdcmDataSet.h>
#include <gdcmDictEntry.h>
#include <gdcmDicts.h>
#include <gdcmFileMetaInformation.h>
#include <gdcmGlobal.h>
#include <gdcmItem.h>
#include <gdcmReader.h>
#include <gdcmSequenceOfItems.h>
#include <gdcmTag.h>
#include <gdcmVR.h>
#include <gdcmWriter.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <system_error>
#include <unordered_map>
#include <vector>

#include "deidentify_gdcm.h"

namespace medverse::imaging {
namespace {

static_assert(kDeidentificationMethod.size() <= 64, "(0012,0063) is LO: at most 64 characters");

constexpr DeidentificationRule kTable[] = {
#include "../data/deidentification_table.inc"
};

// ---------------------------------------------------------------- table lookup

struct TableIndex {
  std::unordered_map<std::uint32_t, const DeidentificationRule*> exact;
  std::vector<const DeidentificationRule*> ranges;
};

const TableIndex& tableIndex() {
  static const TableIndex index = [] {
    TableIndex built;
    for (const DeidentificationRule& rule : kTable) {
      if (rule.isRange()) {
        built.ranges.push_back(&rule);
      } else {
        built.exact.emplace((std::uint32_t{rule.group} << 16U) | rule.element, &rule);
      }
    }
    return built;
  }();
  return index;
}

// ---------------------------------------------------------------- helpers

constexpr std::string_view kDummyText = "ANONYMOUS";

void ensureSodium() {
  static const bool initialised = [] {
    if (sodium_init() < 0) {
      std::abort();  // libsodium cannot work on this machine: nothing is safe to do
    }
    return true;
  }();
  (void)initialised;
}

std::string_view trimValue(std::string_view text) {
  const auto isPad = [](char c) { return c == ' ' || c == '\0'; };
  while (!text.empty() && isPad(text.back())) {
    text.remove_suffix(1);
  }
  while (!text.empty() && isPad(text.front())) {
    text.remove_prefix(1);
  }
  return text;
}

std::string byteValueText(const gdcm::DataElement& de) {
  const gdcm::ByteValue* bv = de.GetByteValue();
  if (bv == nullptr || bv->GetPointer() == nullptr) {
    return {};
  }
  return {bv->GetPointer(), bv->GetLength()};
}

// The VR to act on: the element's own (explicit VR), else the dictionary's
// (implicit VR files, UN).
gdcm::VR effectiveVr(const gdcm::DataElement& de) {
  gdcm::VR vr = de.GetVR();
  if (vr == gdcm::VR::INVALID || vr == gdcm::VR::UN) {
    const gdcm::Dicts& dicts = gdcm::Global::GetInstance().GetDicts();
    const gdcm::DictEntry& entry = dicts.GetDictEntry(de.GetTag());
    if (entry.GetVR() != gdcm::VR::INVALID) {
      vr = entry.GetVR();
    }
  }
  return vr;
}

bool isSequence(const gdcm::DataElement& de, gdcm::VR vr) {
  if (vr == gdcm::VR::SQ) {
    return true;
  }
  // An undefined-length UN (or private) element GDCM parsed as a sequence.
  if (de.IsEmpty()) {
    return false;
  }
  return dynamic_cast<const gdcm::SequenceOfItems*>(&de.GetValue()) != nullptr;
}

// Stores text padded to even length (UI with NUL, other VRs with space).
void setText(gdcm::DataElement& de, std::string value, gdcm::VR vr) {
  if (value.size() % 2 != 0) {
    value.push_back(vr == gdcm::VR::UI ? '\0' : ' ');
  }
  de.SetByteValue(value.data(), gdcm::VL(static_cast<std::uint32_t>(value.size())));
}

void setEmptyValue(gdcm::DataElement& de) {
  de.SetByteValue("", gdcm::VL(0));
}

void setEmptySequence(gdcm::DataElement& de) {
  const gdcm::SmartPointer<gdcm::SequenceOfItems> sq = new gdcm::SequenceOfItems;
  sq->SetLengthToUndefined();
  if (de.GetVR() == gdcm::VR::UN) {
    de.SetVR(gdcm::VR::SQ);
  }
  de.SetValue(*sq);
  de.SetVLToUndefined();
}

// Every UID in a (possibly multi-valued) UI value through the remapper.
std::string remapUidList(std::string_view value, const UidRemapper& remapper, std::size_t& count) {
  std::string out;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t end = value.find('\\', start);
    if (end == std::string_view::npos) {
      end = value.size();
    }
    const std::string_view uid = trimValue(value.substr(start, end - start));
    if (!out.empty() || start > 0) {
      out.push_back('\\');
    }
    if (!uid.empty()) {
      out += remapper.remap(uid);
      ++count;
    }
    start = end + 1;
  }
  return out;
}

// A non-empty value valid for the VR, revealing nothing of the original.
void setDummy(gdcm::DataElement& de, gdcm::VR vr, const UidRemapper& remapper,
              DeidentificationReport& report) {
  switch (vr) {
    case gdcm::VR::UI: {
      std::size_t count = 0;
      std::string replaced = remapUidList(trimValue(byteValueText(de)), remapper, count);
      if (count == 0) {
        replaced = remapper.remap("medverse.dummy.uid");
        count = 1;
      }
      setText(de, replaced, vr);
      report.uidsReplaced += count;
      return;
    }
    case gdcm::VR::DA:
      setText(de, "19000101", vr);
      break;
    case gdcm::VR::TM:
      setText(de, "000000.00", vr);
      break;
    case gdcm::VR::DT:
      setText(de, "19000101000000.000000", vr);
      break;
    case gdcm::VR::AS:
      setText(de, "000Y", vr);
      break;
    case gdcm::VR::DS:
    case gdcm::VR::IS:
      setText(de, "0", vr);
      break;
    case gdcm::VR::AE:
    case gdcm::VR::CS:
    case gdcm::VR::LO:
    case gdcm::VR::LT:
    case gdcm::VR::PN:
    case gdcm::VR::SH:
    case gdcm::VR::ST:
    case gdcm::VR::UC:
    case gdcm::VR::UR:
    case gdcm::VR::UT:
      setText(de, std::string(kDummyText), vr);
      break;
    case gdcm::VR::UL:
    case gdcm::VR::SL:
    case gdcm::VR::FL:
    case gdcm::VR::AT:
    case gdcm::VR::OF:
    case gdcm::VR::OL: {
      const std::array<char, 4> zeros{};
      de.SetByteValue(zeros.data(), gdcm::VL(4));
      break;
    }
    case gdcm::VR::FD:
    case gdcm::VR::OD: {
      const std::array<char, 8> zeros{};
      de.SetByteValue(zeros.data(), gdcm::VL(8));
      break;
    }
    default: {  // US, SS, OB, OW, UN and the ambiguous US_SS / OB_OW
      const std::array<char, 2> zeros{};
      de.SetByteValue(zeros.data(), gdcm::VL(2));
      break;
    }
  }
  ++report.dummied;
}

class Deidentifier {
 public:
  Deidentifier(const UidRemapper& remapper, DeidentificationReport& report)
      : remapper_(remapper), report_(report) {}

  Status dataSet(gdcm::DataSet& ds) {
    // Work on copies: DataSet holds a std::set of elements, which cannot be
    // modified in place; Replace() and Remove() do the edits.
    const std::vector<gdcm::DataElement> elements(ds.Begin(), ds.End());
    for (const gdcm::DataElement& original : elements) {
      const gdcm::Tag tag = original.GetTag();
      const std::uint16_t group = tag.GetGroup();
      const std::uint16_t element = tag.GetElement();
      if ((group & 1U) != 0) {
        ds.Remove(tag);
        ++report_.privateRemoved;
        continue;
      }
      if (element == 0x0000 && group != 0x0002) {
        ds.Remove(tag);  // group lengths (retired) would be wrong after the edits
        continue;
      }
      gdcm::DataElement de = original;
      const gdcm::VR vr = effectiveVr(de);
      const bool sequence = isSequence(de, vr);
      const DeidentificationRule* rule = findDeidentificationRule(group, element);
      const DeidentificationAction action = rule == nullptr
                                                ? DeidentificationAction::Keep
                                                : resolveDeidentificationAction(rule->action);

      switch (action) {
        case DeidentificationAction::Keep:
        case DeidentificationAction::ReplaceItemUids:
          if (sequence) {
            if (Status s = items(de, tag); !s) {
              return s;
            }
            ds.Replace(de);
          } else if (action == DeidentificationAction::ReplaceItemUids) {
            setEmptyValue(de);
            ++report_.emptied;
            ds.Replace(de);
          }
          break;
        case DeidentificationAction::Remove:
          ds.Remove(tag);
          ++report_.removed;
          break;
        case DeidentificationAction::Empty:
          if (sequence) {
            setEmptySequence(de);
          } else {
            setEmptyValue(de);
          }
          ++report_.emptied;
          ds.Replace(de);
          break;
        case DeidentificationAction::Dummy:
        case DeidentificationAction::Clean:
          if (sequence) {
            // A dummy item could still carry coded identity (Code Value of a
            // person or institution); zero items is the strict choice.
            setEmptySequence(de);
            ++report_.emptied;
          } else {
            setDummy(de, vr, remapper_, report_);
          }
          ds.Replace(de);
          break;
        case DeidentificationAction::ReplaceUid:
          if (sequence) {
            if (Status s = items(de, tag); !s) {
              return s;
            }
          } else if (vr == gdcm::VR::UI || vr == gdcm::VR::INVALID || vr == gdcm::VR::UN) {
            std::size_t count = 0;
            const std::string text = byteValueText(de);
            setText(de, remapUidList(trimValue(text), remapper_, count), gdcm::VR::UI);
            report_.uidsReplaced += count;
          } else {
            setDummy(de, vr, remapper_, report_);
          }
          ds.Replace(de);
          break;
      }
    }
    return Status::success();
  }

 private:
  // De-identifies every item of a sequence element (in `de`, to be put back
  // by the caller).
  Status items(gdcm::DataElement& de, const gdcm::Tag& tag) {
    if (de.IsEmpty()) {
      return Status::success();
    }
    const gdcm::SmartPointer<gdcm::SequenceOfItems> sq = de.GetValueAsSQ();
    if (!sq) {
      char text[16];
      std::snprintf(text, sizeof text, "(%04X,%04X)", tag.GetGroup(), tag.GetElement());
      return makeError(std::string("sequence ") + text + " cannot be parsed; not de-identified");
    }
    for (gdcm::SequenceOfItems::SizeType i = 1; i <= sq->GetNumberOfItems(); ++i) {
      gdcm::Item& item = sq->GetItem(i);
      if (Status s = dataSet(item.GetNestedDataSet()); !s) {
        return s;
      }
      item.SetVLToUndefined();  // its length changed
      ++report_.sequenceItemsVisited;
    }
    sq->SetLengthToUndefined();
    if (de.GetVR() == gdcm::VR::UN) {
      de.SetVR(gdcm::VR::SQ);
    }
    de.SetValue(*sq);
    de.SetVLToUndefined();
    return Status::success();
  }

  const UidRemapper& remapper_;
  DeidentificationReport& report_;
};

void putText(gdcm::DataSet& ds, std::uint16_t group, std::uint16_t element, gdcm::VR vr,
             std::string_view value) {
  gdcm::DataElement de(gdcm::Tag(group, element));
  de.SetVR(vr);
  setText(de, std::string(value), vr);
  ds.Replace(de);
}

void addDeidentificationAttributes(gdcm::DataSet& ds) {
  putText(ds, 0x0012, 0x0062, gdcm::VR::CS, "YES");
  putText(ds, 0x0012, 0x0063, gdcm::VR::LO, kDeidentificationMethod);

  gdcm::Item item;
  item.SetVLToUndefined();
  gdcm::DataSet& code = item.GetNestedDataSet();
  putText(code, 0x0008, 0x0100, gdcm::VR::SH, "113100");
  putText(code, 0x0008, 0x0102, gdcm::VR::SH, "DCM");
  putText(code, 0x0008, 0x0104, gdcm::VR::LO, "Basic Application Confidentiality Profile");
  const gdcm::SmartPointer<gdcm::SequenceOfItems> sq = new gdcm::SequenceOfItems;
  sq->SetLengthToUndefined();
  sq->AddItem(item);
  gdcm::DataElement method(gdcm::Tag(0x0012, 0x0064));
  method.SetVR(gdcm::VR::SQ);
  method.SetValue(*sq);
  method.SetVLToUndefined();
  ds.Replace(method);

  // PS3.15 E.2: added as REMOVED when no Retain Longitudinal Temporal
  // Information Option is applied.
  putText(ds, 0x0028, 0x0303, gdcm::VR::CS, "REMOVED");
}

}  // namespace

// ---------------------------------------------------------------- public API

std::span<const DeidentificationRule> deidentificationTable() {
  return kTable;
}

const DeidentificationRule* findDeidentificationRule(std::uint16_t group, std::uint16_t element) {
  const TableIndex& index = tableIndex();
  if (const auto it = index.exact.find((std::uint32_t{group} << 16U) | element);
      it != index.exact.end()) {
    return it->second;
  }
  for (const DeidentificationRule* rule : index.ranges) {
    if (rule->matches(group, element)) {
      return rule;
    }
  }
  return nullptr;
}

DeidentificationAction resolveDeidentificationAction(std::string_view code) {
  if (code == "K") {
    return DeidentificationAction::Keep;
  }
  if (code == "X") {
    return DeidentificationAction::Remove;
  }
  if (code == "Z" || code == "X/Z") {
    return DeidentificationAction::Empty;
  }
  if (code == "D" || code == "X/D" || code == "Z/D" || code == "X/Z/D") {
    return DeidentificationAction::Dummy;
  }
  if (code == "C") {
    return DeidentificationAction::Clean;
  }
  if (code == "U") {
    return DeidentificationAction::ReplaceUid;
  }
  if (code == "X/Z/U*") {
    return DeidentificationAction::ReplaceItemUids;
  }
  return DeidentificationAction::Remove;
}

UidRemapper::UidRemapper() {
  ensureSodium();
  randombytes_buf(key_.data(), key_.size());
}

UidRemapper::UidRemapper(std::span<const std::uint8_t, 32> key) {
  std::copy(key.begin(), key.end(), key_.begin());
}

std::string UidRemapper::remap(std::string_view originalUid) const {
  ensureSodium();
  const std::string_view uid = trimValue(originalUid);
  std::array<std::uint8_t, 16> uuid{};
  crypto_generichash(uuid.data(), uuid.size(), reinterpret_cast<const unsigned char*>(uid.data()),
                     uid.size(), key_.data(), key_.size());
  uuid[6] = static_cast<std::uint8_t>((uuid[6] & 0x0FU) | 0x80U);  // version 8 (custom)
  uuid[8] = static_cast<std::uint8_t>((uuid[8] & 0x3FU) | 0x80U);  // RFC 9562 variant
  // Decimal of the 128-bit big-endian integer (PS3.5 B.2: "2.25." + UUID).
  std::string digits;
  while (std::any_of(uuid.begin(), uuid.end(), [](std::uint8_t b) { return b != 0; })) {
    unsigned remainder = 0;
    for (std::uint8_t& byte : uuid) {
      const unsigned current = (remainder << 8U) | byte;
      byte = static_cast<std::uint8_t>(current / 10U);
      remainder = current % 10U;
    }
    digits.push_back(static_cast<char>('0' + remainder));
  }
  std::reverse(digits.begin(), digits.end());
  return "2.25." + digits;
}

Status deidentifyDataSet(gdcm::DataSet& dataSet, UidRemapper& remapper,
                         DeidentificationReport& report) {
  const gdcm::Tag burnedIn(0x0028, 0x0301);
  if (dataSet.FindDataElement(burnedIn) &&
      trimValue(byteValueText(dataSet.GetDataElement(burnedIn))) == "YES") {
    report.burnedInAnnotation = true;
  }
  Deidentifier deidentifier(remapper, report);
  if (Status s = deidentifier.dataSet(dataSet); !s) {
    return s;
  }
  addDeidentificationAttributes(dataSet);
  return Status::success();
}

Status deidentifyFileMeta(gdcm::FileMetaInformation& meta, UidRemapper& remapper,
                          DeidentificationReport& report) {
  const gdcm::Tag mediaStorageSopInstance(0x0002, 0x0003);
  if (meta.FindDataElement(mediaStorageSopInstance)) {
    gdcm::DataElement de = meta.GetDataElement(mediaStorageSopInstance);
    std::size_t count = 0;
    setText(de, remapUidList(trimValue(byteValueText(de)), remapper, count), gdcm::VR::UI);
    report.uidsReplaced += count;
    meta.Replace(de);
  }
  // The copy is written by this implementation (GDCM), not by the one that
  // made the original: its Implementation Class UID can equal the original's
  // Instance Creator UID, which the table replaces.
  if (meta.FindDataElement(gdcm::Tag(0x0002, 0x0012))) {
    putText(meta, 0x0002, 0x0012, gdcm::VR::UI,
            gdcm::FileMetaInformation::GetImplementationClassUID());
    putText(meta, 0x0002, 0x0013, gdcm::VR::SH,
            gdcm::FileMetaInformation::GetImplementationVersionName());
  }
  // Source / Sending / Receiving AE Title, Private Information Creator UID,
  // Private Information: they name the sender's systems.
  for (const std::uint16_t element : {0x0016, 0x0017, 0x0018, 0x0100, 0x0102}) {
    if (meta.Remove(gdcm::Tag(0x0002, element)) != 0) {
      ++report.removed;
    }
  }
  return Status::success();
}

Result<DeidentificationReport> deidentifyFile(const std::filesystem::path& in,
                                              const std::filesystem::path& out,
                                              UidRemapper& remapper) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(in, ec)) {
    return makeError(in.string() + ": cannot de-identify: no such file");
  }
  if (std::filesystem::exists(out, ec) && std::filesystem::equivalent(in, out, ec)) {
    return makeError(in.string() + ": cannot de-identify in place: output is the input file");
  }
  gdcm::Reader reader;
  reader.SetFileName(in.string().c_str());
  if (!reader.Read()) {
    return makeError(in.string() + ": cannot de-identify: not a DICOM file GDCM can read");
  }
  gdcm::File& file = reader.GetFile();
  DeidentificationReport report;
  if (Status s = deidentifyFileMeta(file.GetHeader(), remapper, report); !s) {
    return makeError(in.string() + ": " + s.error().message);
  }
  if (Status s = deidentifyDataSet(file.GetDataSet(), remapper, report); !s) {
    return makeError(in.string() + ": " + s.error().message);
  }
  std::ofstream stream(out, std::ios::binary | std::ios::trunc);
  if (!stream) {
    return makeError(out.string() + ": cannot create the de-identified copy of " + in.string());
  }
  gdcm::Writer writer;
  writer.SetStream(stream);
  writer.SetFile(file);
  // GDCM rebuilds the file meta information from the data set, which needs a
  // SOP Instance UID; without one (some non-image objects) the already
  // de-identified meta information is written as it is.
  writer.SetCheckFileMetaInformation(file.GetDataSet().FindDataElement(gdcm::Tag(0x0008, 0x0018)));
  const bool written = writer.Write();
  stream.close();
  if (!written || !stream) {
    std::filesystem::remove(out, ec);  // never leave a half-written file behind
    return makeError(out.string() + ": cannot write the de-identified copy of " + in.string());
  }
  return report;
}

}  // namespace medverse::imaging
