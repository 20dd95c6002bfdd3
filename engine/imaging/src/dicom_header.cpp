// One DICOM file through GDCM: header attributes (dicom_header.h) and decoded
// pixel values.
#include "dicom_header.h"

#include <gdcmAttribute.h>
#include <gdcmDataSet.h>
#include <gdcmFileMetaInformation.h>
#include <gdcmImage.h>
#include <gdcmImageReader.h>
#include <gdcmPixelFormat.h>
#include <gdcmReader.h>
#include <gdcmSequenceOfItems.h>
#include <gdcmTrace.h>
#include <gdcmTransferSyntax.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <mutex>
#include <span>
#include <string_view>
#include <type_traits>
#include <variant>

#include "dicom_lengths.h"

namespace medverse::imaging::dicom {
namespace {

const gdcm::Tag kPixelData(0x7fe0, 0x0010);

// Text value of a string-VR element, trimmed of padding; nullopt if absent
// or empty.
std::optional<std::string> text(const gdcm::DataSet& ds, const gdcm::Tag& tag) {
  if (!ds.FindDataElement(tag)) {
    return std::nullopt;
  }
  const gdcm::DataElement& de = ds.GetDataElement(tag);
  const gdcm::ByteValue* bv = de.GetByteValue();
  if (bv == nullptr || bv->GetPointer() == nullptr || bv->GetLength() == 0) {
    return std::nullopt;
  }
  std::string s(bv->GetPointer(), bv->GetLength());
  const auto first = s.find_first_not_of(std::string_view(" \0", 2));
  if (first == std::string::npos) {
    return std::nullopt;
  }
  const auto last = s.find_last_not_of(std::string_view(" \0", 2));
  return s.substr(first, last - first + 1);
}

// Backslash-separated decimal numbers (DS/IS). Empty if absent or malformed.
std::vector<double> numbers(const gdcm::DataSet& ds, const gdcm::Tag& tag) {
  std::vector<double> out;
  const auto value = text(ds, tag);
  if (!value) {
    return out;
  }
  std::string_view rest = *value;
  while (true) {
    const auto sep = rest.find('\\');
    std::string_view item = rest.substr(0, sep);
    while (!item.empty() && (item.front() == ' ' || item.front() == '+')) {
      item.remove_prefix(1);
    }
    while (!item.empty() && (item.back() == ' ' || item.back() == '\0')) {
      item.remove_suffix(1);
    }
    double v = 0.0;
    const auto [ptr, ec] = std::from_chars(item.data(), item.data() + item.size(), v);
    if (ec != std::errc() || ptr != item.data() + item.size() || !std::isfinite(v)) {
      return {};
    }
    out.push_back(v);
    if (sep == std::string_view::npos) {
      break;
    }
    rest.remove_prefix(sep + 1);
  }
  return out;
}

std::optional<double> number(const gdcm::DataSet& ds, const gdcm::Tag& tag) {
  const auto v = numbers(ds, tag);
  if (v.empty()) {
    return std::nullopt;
  }
  return v.front();
}

template <std::uint16_t Group, std::uint16_t Element>
unsigned unsignedShort(const gdcm::DataSet& ds) {
  if (!ds.FindDataElement(gdcm::Tag(Group, Element)) ||
      ds.GetDataElement(gdcm::Tag(Group, Element)).IsEmpty()) {
    return 0;
  }
  gdcm::Attribute<Group, Element> at{};
  at.SetFromDataSet(ds);
  return at.GetValue();
}

gdcm::SmartPointer<gdcm::SequenceOfItems> sequence(const gdcm::DataSet& ds, const gdcm::Tag& tag) {
  if (!ds.FindDataElement(tag)) {
    return nullptr;
  }
  const gdcm::DataElement& de = ds.GetDataElement(tag);
  if (de.IsEmpty()) {
    return nullptr;
  }
  return de.GetValueAsSQ();
}

// Plane position/orientation, pixel measures and pixel value transformation
// of one shared or per-frame functional group item.
void applyFunctionalGroup(const gdcm::DataSet& group, FrameInfo& frame) {
  auto firstItem = [&](gdcm::Tag tag, auto&& use) {
    const auto sq = sequence(group, tag);
    if (sq && sq->GetNumberOfItems() > 0) {
      use(sq->GetItem(1).GetNestedDataSet());
    }
  };
  firstItem(gdcm::Tag(0x0020, 0x9113), [&](const gdcm::DataSet& item) {  // PlanePosition
    const auto ipp = numbers(item, gdcm::Tag(0x0020, 0x0032));
    if (ipp.size() == 3) {
      frame.position = glm::dvec3(ipp[0], ipp[1], ipp[2]);
    }
  });
  firstItem(gdcm::Tag(0x0020, 0x9116), [&](const gdcm::DataSet& item) {  // PlaneOrientation
    const auto iop = numbers(item, gdcm::Tag(0x0020, 0x0037));
    if (iop.size() == 6) {
      frame.orientation = Orientation{iop[0], iop[1], iop[2], iop[3], iop[4], iop[5]};
    }
  });
  firstItem(gdcm::Tag(0x0028, 0x9110), [&](const gdcm::DataSet& item) {  // PixelMeasures
    const auto ps = numbers(item, gdcm::Tag(0x0028, 0x0030));
    if (ps.size() == 2) {
      frame.pixelSpacing = glm::dvec2(ps[0], ps[1]);
    }
    if (auto t = number(item, gdcm::Tag(0x0018, 0x0050))) {
      frame.sliceThickness = t;
    }
    if (auto s = number(item, gdcm::Tag(0x0018, 0x0088))) {
      frame.spacingBetweenSlices = s;
    }
  });
  firstItem(gdcm::Tag(0x0028, 0x9145), [&](const gdcm::DataSet& item) {  // PixelValueTransf.
    if (auto i = number(item, gdcm::Tag(0x0028, 0x1052))) {
      frame.intercept = *i;
    }
    if (auto s = number(item, gdcm::Tag(0x0028, 0x1053)); s && *s != 0.0) {
      frame.slope = *s;
    }
  });
}

}  // namespace

void silenceGdcm() {
  static std::once_flag once;
  std::call_once(once, [] {
    gdcm::Trace::DebugOff();
    gdcm::Trace::WarningOff();
    gdcm::Trace::ErrorOff();
  });
}

namespace {

// The Media Storage SOP Class UID of a file with a DICM preamble, parsed
// without GDCM (explicit VR little endian group 0002); empty if none.
// Directory records (DICOMDIR) are filtered on it before GDCM sees them:
// GDCM asserts on some malformed ones.
std::string mediaStorageClass(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<unsigned char> bytes(4096);
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(in.gcount()));
  if (bytes.size() < 132 || std::memcmp(bytes.data() + 128, "DICM", 4) != 0) {
    return {};
  }
  std::size_t at = 132;
  auto u16 = [&](std::size_t p) { return static_cast<unsigned>(bytes[p] | (bytes[p + 1] << 8)); };
  while (at + 8 <= bytes.size()) {
    const unsigned group = u16(at);
    const unsigned element = u16(at + 2);
    if (group != 0x0002) {
      break;
    }
    const std::string vr(reinterpret_cast<const char*>(bytes.data() + at + 4), 2);
    std::size_t length = 0;
    std::size_t header = 8;
    if (vr == "OB" || vr == "OW" || vr == "OF" || vr == "SQ" || vr == "UT" || vr == "UN") {
      if (at + 12 > bytes.size()) {
        break;
      }
      length = u16(at + 8) | (std::size_t{u16(at + 10)} << 16);
      header = 12;
    } else {
      length = u16(at + 6);
    }
    if (at + header + length > bytes.size()) {
      break;
    }
    if (element == 0x0002) {
      std::string uid(reinterpret_cast<const char*>(bytes.data() + at + header), length);
      while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' ')) {
        uid.pop_back();
      }
      return uid;
    }
    at += header + length;
  }
  return {};
}

// How many decoded bytes one compressed byte can at most become, by transfer
// syntax; 0 when the codec has no useful bound (JPEG-LS run mode and JPEG
// 2000 code an empty image in almost nothing).
std::uint64_t maxExpansion(const std::string& transferSyntax) {
  if (transferSyntax == "1.2.840.10008.1.2.5") {
    return 64;  // RLE (PackBits): a 2-byte replicate run is at most 128 bytes
  }
  if (transferSyntax == "1.2.840.10008.1.2.4.50" || transferSyntax == "1.2.840.10008.1.2.4.51") {
    // Sequential DCT: at least 2 bits (DC code, end of block) per 8x8 block
    // and component; 64 samples of up to 2 bytes, x3 with 4:2:0 chroma.
    return 1024;
  }
  if (transferSyntax == "1.2.840.10008.1.2.4.57" || transferSyntax == "1.2.840.10008.1.2.4.70") {
    return 32;  // lossless JPEG: at least one Huffman bit per sample of up to 2 bytes
  }
  return 0;
}

// Why encapsulated pixel data cannot decode to what the header declares, or
// "" when it can.
std::string checkEncapsulated(const FileHeader& h, unsigned bitsAllocated,
                              const LengthProblem& lengths) {
  const std::uint64_t pixels = std::uint64_t{h.rows} * h.columns;
  // In double: frames x samples x bits of a hostile header can overflow 64 bits.
  const double decodedBytes =
      static_cast<double>(pixels) * h.frames * h.samplesPerPixel * bitsAllocated / 8.0;
  const std::uint64_t decoded =
      decodedBytes < 1.8e19 ? static_cast<std::uint64_t>(decodedBytes) : ~std::uint64_t{0};
  const std::uint64_t stored = *lengths.encapsulatedPixelBytes;
  // Each frame is in its own fragment(s) (PS3.5 A.4), except in the video
  // syntaxes (MPEG-2, MPEG-4, HEVC: 1.2.840.10008.1.2.4.100-108), one stream.
  const bool video = lengths.transferSyntax.rfind("1.2.840.10008.1.2.4.10", 0) == 0;
  if (!video && h.frames > lengths.pixelFragments) {
    return "NumberOfFrames (0028,0008) is " + std::to_string(h.frames) +
           " but the encapsulated PixelData (7FE0,0010) holds " +
           std::to_string(lengths.pixelFragments) + " fragments (truncated or corrupt file)";
  }
  if (lengths.codestreamColumns) {
    const std::uint64_t rows = lengths.codestreamRows.value_or(h.rows);
    if (pixels > rows * *lengths.codestreamColumns) {
      return "Rows x Columns (0028,0010/0011) are " + std::to_string(h.rows) + " x " +
             std::to_string(h.columns) + ", but the " + lengths.codestreamKind +
             " codestream in PixelData (7FE0,0010) is " + std::to_string(rows) + " x " +
             std::to_string(*lengths.codestreamColumns) + " (corrupt file)";
    }
  }
  if (const std::uint64_t ratio = maxExpansion(lengths.transferSyntax);
      ratio > 0 && decodedBytes > static_cast<double>(stored * ratio)) {
    return "Rows x Columns x frames x BitsAllocated need " + std::to_string(decoded) +
           " decoded bytes, but the " + std::to_string(stored) +
           " compressed bytes of PixelData (7FE0,0010) decode to at most " +
           std::to_string(stored * ratio) + " in transfer syntax " + lengths.transferSyntax +
           " (corrupt file)";
  }
  return {};
}

}  // namespace

HeaderResult readHeader(const std::filesystem::path& file) {
  silenceGdcm();
  HeaderResult result;
  result.header.file = file;
  if (mediaStorageClass(file) == "1.2.840.10008.1.3.10") {
    result.header.modality = "DICOMDIR";
    return result;  // a DICOM object, not an image (isImage false)
  }
  // GDCM allocates what a length claims before reading it: refuse impossible
  // lengths in the header before GDCM sees them; those in the pixel data
  // (a truncated file, hostile fragments) make the image undecodable.
  const LengthProblem lengths = impossibleLength(file);
  if (!lengths.what.empty() && !lengths.inPixelData) {
    result.status = ReadStatus::NotDicom;
    result.problem = "corrupt DICOM header: " + lengths.what;
    return result;
  }
  gdcm::Reader reader;
  reader.SetFileName(file.string().c_str());
  bool ok = false;
  try {
    ok = lengths.inPixelData ? reader.ReadUpToTag(kPixelData, {kPixelData})
                             : reader.ReadUpToTag(kPixelData);
  } catch (const std::exception& e) {
    result.problem = e.what();
  }
  if (!ok) {
    result.status = ReadStatus::NotDicom;
    if (result.problem.empty()) {
      result.problem = "not a DICOM file (GDCM cannot parse its header)";
    }
    return result;
  }
  const gdcm::File& f = reader.GetFile();
  const gdcm::DataSet& ds = f.GetDataSet();
  const auto sopClass = text(ds, gdcm::Tag(0x0008, 0x0016));
  if (!sopClass && !text(f.GetHeader(), gdcm::Tag(0x0002, 0x0002))) {
    result.status = ReadStatus::NotDicom;
    result.problem = "no SOP Class UID (not a DICOM object)";
    return result;
  }
  FileHeader& h = result.header;
  h.seriesUid = text(ds, gdcm::Tag(0x0020, 0x000e)).value_or("");
  h.description = text(ds, gdcm::Tag(0x0008, 0x103e)).value_or("");
  h.modality = text(ds, gdcm::Tag(0x0008, 0x0060)).value_or("");
  h.photometric = text(ds, gdcm::Tag(0x0028, 0x0004)).value_or("");
  h.rows = unsignedShort<0x0028, 0x0010>(ds);
  h.columns = unsignedShort<0x0028, 0x0011>(ds);
  h.samplesPerPixel =
      ds.FindDataElement(gdcm::Tag(0x0028, 0x0002)) ? unsignedShort<0x0028, 0x0002>(ds) : 1;
  h.isImage = h.rows > 0 && h.columns > 0;
  // GDCM asserts (aborts) decoding an image whose PhotometricInterpretation
  // it does not know, or a palette image without its palettes (fuzz_dicom).
  if (h.isImage && !h.photometric.empty()) {
    static const char* const kKnown[] = {
        "MONOCHROME1",  "MONOCHROME2",     "PALETTE COLOR",   "RGB",     "YBR_FULL",
        "YBR_FULL_422", "YBR_PARTIAL_422", "YBR_PARTIAL_420", "YBR_ICT", "YBR_RCT"};
    if (std::find(std::begin(kKnown), std::end(kKnown), h.photometric) == std::end(kKnown)) {
      h.undecodable = "PhotometricInterpretation (0028,0004) '" + h.photometric +
                      "' is not one this importer decodes";
    } else if (h.photometric == "PALETTE COLOR" &&
               !(ds.FindDataElement(gdcm::Tag(0x0028, 0x1101)) &&
                 ds.FindDataElement(gdcm::Tag(0x0028, 0x1102)) &&
                 ds.FindDataElement(gdcm::Tag(0x0028, 0x1103)))) {
      h.undecodable = "a PALETTE COLOR image without its palette descriptors (0028,1101-1103)";
    }
  }
  if (ds.FindDataElement(gdcm::Tag(0x0028, 0x0008))) {
    const auto n = number(ds, gdcm::Tag(0x0028, 0x0008));
    if (n && *n >= 1.0 && *n == std::floor(*n) && *n < 1e7) {
      h.frames = static_cast<unsigned>(*n);
    } else {
      h.undecodable = "NumberOfFrames (0028,0008) is not a positive integer";
    }
  } else if (ds.FindDataElement(gdcm::Tag(0x0028, 0x0009))) {
    h.undecodable = "FrameIncrementPointer (0028,0009) without NumberOfFrames (0028,0008)";
  }

  if (!lengths.what.empty() && h.undecodable.empty()) {
    h.undecodable = "truncated or corrupt pixel data: " + lengths.what;
  }
  // Without BitsAllocated nothing bounds what GDCM's decoders read from the
  // pixel data (fuzz_dicom: GDCM's RAW codec read past a 128-byte buffer,
  // a crash outside the sanitizers).
  if (h.isImage && h.undecodable.empty() && !ds.FindDataElement(gdcm::Tag(0x0028, 0x0100))) {
    h.undecodable = "an image without BitsAllocated (0028,0100)";
  }
  // BitsAllocated is 1 or a whole number of bytes in every real image; GDCM's
  // RLE decoder asserts on others (fuzz_dicom: BitsAllocated 124).
  if (h.isImage && h.undecodable.empty() && ds.FindDataElement(gdcm::Tag(0x0028, 0x0100))) {
    const unsigned bits = unsignedShort<0x0028, 0x0100>(ds);
    if (bits != 1 && bits != 8 && bits != 16 && bits != 32 && bits != 64) {
      h.undecodable = "BitsAllocated (0028,0100) is " + std::to_string(bits) +
                      "; images use 1, 8, 16, 32 or 64";
    }
  }
  // Native pixel data must hold what Rows, Columns, frames and BitsAllocated
  // promise; otherwise the reader would allocate the promised volume (up to
  // its 2 GiB limit) for a file of a few KB before decoding fails.
  if (h.isImage && lengths.nativePixelBytes && h.undecodable.empty() &&
      ds.FindDataElement(gdcm::Tag(0x0028, 0x0100))) {
    const std::uint64_t bits = std::uint64_t{h.rows} * h.columns * h.frames * h.samplesPerPixel *
                               unsignedShort<0x0028, 0x0100>(ds);
    if ((bits + 7) / 8 > *lengths.nativePixelBytes) {
      h.undecodable = "PixelData (7FE0,0010) holds " + std::to_string(*lengths.nativePixelBytes) +
                      " bytes, but Rows x Columns x frames x BitsAllocated need " +
                      std::to_string((bits + 7) / 8) + " (truncated or corrupt file)";
    }
  }

  // Compressed pixel data: the decoder allocates Rows x Columns x frames
  // before it finds out the codestream holds far less, so the header must be
  // consistent with what the fragments can decode to (checkEncapsulated).
  if (h.isImage && lengths.encapsulatedPixelBytes && h.undecodable.empty() &&
      ds.FindDataElement(gdcm::Tag(0x0028, 0x0100))) {
    h.undecodable = checkEncapsulated(h, unsignedShort<0x0028, 0x0100>(ds), lengths);
  }

  FrameInfo& top = h.top;
  if (const auto ipp = numbers(ds, gdcm::Tag(0x0020, 0x0032)); ipp.size() == 3) {
    top.position = glm::dvec3(ipp[0], ipp[1], ipp[2]);
  }
  if (const auto iop = numbers(ds, gdcm::Tag(0x0020, 0x0037)); iop.size() == 6) {
    top.orientation = Orientation{iop[0], iop[1], iop[2], iop[3], iop[4], iop[5]};
  }
  if (const auto ps = numbers(ds, gdcm::Tag(0x0028, 0x0030)); ps.size() == 2) {
    top.pixelSpacing = glm::dvec2(ps[0], ps[1]);
  }
  top.sliceThickness = number(ds, gdcm::Tag(0x0018, 0x0050));
  top.spacingBetweenSlices = number(ds, gdcm::Tag(0x0018, 0x0088));
  if (auto i = number(ds, gdcm::Tag(0x0028, 0x1052))) {
    top.intercept = *i;
  }
  if (auto s = number(ds, gdcm::Tag(0x0028, 0x1053)); s && *s != 0.0) {
    top.slope = *s;
  }
  if (h.modality == "RTDOSE") {
    if (auto scale = number(ds, gdcm::Tag(0x3004, 0x000e)); scale && *scale != 0.0) {
      top.slope *= *scale;
    }
    h.gridFrameOffsets = numbers(ds, gdcm::Tag(0x3004, 0x000c));
    // GDCM reads the offsets itself while decoding and asserts when they
    // are not as many numbers as frames (fuzz_dicom: "0.°").
    if (ds.FindDataElement(gdcm::Tag(0x3004, 0x000c)) && h.isImage && h.undecodable.empty() &&
        !ds.FindDataElement(gdcm::Tag(0x0028, 0x0008))) {
      // GDCM reads NumberOfFrames for the offsets without looking whether it
      // is there, and asserts (fuzz_dicom; then medverse-case import aborted).
      h.undecodable =
          "an RT dose with GridFrameOffsetVector (3004,000C) but no NumberOfFrames "
          "(0028,0008)";
    }
    if (ds.FindDataElement(gdcm::Tag(0x3004, 0x000c)) && h.isImage && h.undecodable.empty() &&
        h.gridFrameOffsets.size() != h.frames) {
      h.undecodable = "GridFrameOffsetVector (3004,000C) does not hold one number per frame (" +
                      std::to_string(h.frames) + ")";
    }
  }

  // Enhanced multi-frame: shared groups, then each frame's own.
  const auto shared = sequence(ds, gdcm::Tag(0x5200, 0x9229));
  const auto perFrame = sequence(ds, gdcm::Tag(0x5200, 0x9230));
  if (shared && shared->GetNumberOfItems() > 0) {
    applyFunctionalGroup(shared->GetItem(1).GetNestedDataSet(), top);
  }
  if (perFrame && perFrame->GetNumberOfItems() > 0) {
    const auto n = perFrame->GetNumberOfItems();
    h.perFrame.reserve(n);
    for (gdcm::SequenceOfItems::SizeType i = 1; i <= n; ++i) {
      FrameInfo frame = top;
      applyFunctionalGroup(perFrame->GetItem(i).GetNestedDataSet(), frame);
      h.perFrame.push_back(frame);
    }
  }
  return result;
}

namespace {

// GDCM zero-fills native pixel data that a truncated file cuts short (with
// only a warning), so find the top-level pixel data element ourselves: the
// last (7FE0,0010) tag in the file whose length is the declared one. Returns
// how many bytes of its value are missing (0 if complete or not found).
std::uint64_t nativePixelDataShortfall(const std::filesystem::path& file, std::uint64_t declared,
                                       bool bigEndian) {
  if (declared == 0 || declared == 0xffffffffu) {
    return 0;
  }
  const unsigned char tagLE[4] = {0xe0, 0x7f, 0x10, 0x00};
  const unsigned char tagBE[4] = {0x7f, 0xe0, 0x00, 0x10};
  const unsigned char* tag = bigEndian ? tagBE : tagLE;
  std::ifstream in(file, std::ios::binary | std::ios::ate);
  const auto fileSize = static_cast<std::uint64_t>(std::max<std::streamoff>(in.tellg(), 0));
  // Fast path: in the usual layout Pixel Data is the last element, so its
  // header sits exactly `declared` + 12 (explicit VR) or + 8 (implicit VR)
  // bytes before the end; finding it there proves the value is complete.
  for (const std::uint64_t headerBytes : {std::uint64_t{12}, std::uint64_t{8}}) {
    if (fileSize < declared + headerBytes) {
      continue;
    }
    unsigned char at[4]{};
    in.seekg(static_cast<std::streamoff>(fileSize - declared - headerBytes));
    if (in.read(reinterpret_cast<char*>(at), 4) && std::memcmp(at, tag, 4) == 0) {
      return 0;
    }
    in.clear();
  }
  // Otherwise (trailing elements, or a short file) search for the header.
  in.seekg(0);
  std::vector<unsigned char> bytes(static_cast<std::size_t>(fileSize));
  in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  bytes.resize(static_cast<std::size_t>(std::max<std::streamsize>(in.gcount(), 0)));
  auto read32 = [&](std::size_t p) {
    return bigEndian ? (std::uint64_t{bytes[p]} << 24 | std::uint64_t{bytes[p + 1]} << 16 |
                        std::uint64_t{bytes[p + 2]} << 8 | bytes[p + 3])
                     : (std::uint64_t{bytes[p + 3]} << 24 | std::uint64_t{bytes[p + 2]} << 16 |
                        std::uint64_t{bytes[p + 1]} << 8 | bytes[p]);
  };
  for (std::size_t at = bytes.size() >= 12 ? bytes.size() - 12 : 0; at-- > 0;) {
    if (std::memcmp(bytes.data() + at, tag, 4) != 0) {
      continue;
    }
    std::size_t valueStart = 0;
    if ((bytes[at + 4] == 'O' && (bytes[at + 5] == 'W' || bytes[at + 5] == 'B')) &&
        read32(at + 8) == declared) {
      valueStart = at + 12;  // explicit VR
    } else if (read32(at + 4) == declared) {
      valueStart = at + 8;  // implicit VR
    } else {
      continue;
    }
    const std::uint64_t available = bytes.size() - valueStart;
    return available >= declared ? 0 : declared - available;
  }
  return 0;
}

// Converts stored values of type T to modality units in output type O.
// Integer outputs are clamped on write; the caller checks stats (range and
// integrality) to see whether O held every value exactly.
template <typename T, typename O>
void convert(const char* raw, std::size_t count, unsigned bitsStored, bool isSigned, bool invert,
             std::size_t frameVoxels, const std::vector<FrameInfo>& frames,
             std::span<O* const> frameOut, DecodedPixels& stats) {
  const unsigned bitsAllocated = sizeof(T) * 8;
  if (bitsStored == 0 || bitsStored > bitsAllocated) {
    bitsStored = bitsAllocated;
  }
  const bool mask = std::is_integral_v<T> && bitsStored > 0 && bitsStored < bitsAllocated;
  std::int64_t low = 0;
  std::int64_t high = 0;
  if constexpr (std::is_integral_v<T>) {
    low = isSigned ? -(std::int64_t{1} << (bitsStored - 1)) : 0;
    high =
        isSigned ? (std::int64_t{1} << (bitsStored - 1)) - 1 : (std::int64_t{1} << bitsStored) - 1;
  }
  float lo = std::numeric_limits<float>::infinity();
  float hi = -lo;
  bool integral = true;
  for (std::size_t frame = 0; frame * frameVoxels < count; ++frame) {
    const FrameInfo& f = frames[frame];
    const char* in = raw + frame * frameVoxels * sizeof(T);
    O* out = frameOut[frame];
    if constexpr (std::is_integral_v<T> && sizeof(T) <= 2) {
      // The common case (CT and MR: 8/16-bit integers, slope 1, integral
      // intercept) in 32-bit integer arithmetic; same results, a third of
      // the time of the general loop below.
      if (f.slope == 1.0 && f.intercept == std::nearbyint(f.intercept) &&
          std::fabs(f.intercept) < 1e6) {
        const auto b = static_cast<std::int32_t>(f.intercept);
        const auto mask32 = static_cast<std::int32_t>((std::int64_t{1} << bitsStored) - 1);
        const auto sign32 = static_cast<std::int32_t>(std::int64_t{1} << (bitsStored - 1));
        const auto flip = static_cast<std::int32_t>(low + high);
        std::int32_t ilo = std::numeric_limits<std::int32_t>::max();
        std::int32_t ihi = std::numeric_limits<std::int32_t>::min();
        // Branch-free inner loops (the compiler vectorises them): masking
        // and inversion are decided once per frame, not per voxel.
        auto run = [&](auto masked, auto inverted) {
          for (std::size_t n = 0; n < frameVoxels; ++n) {
            T v;
            std::memcpy(&v, in + n * sizeof(T), sizeof(T));
            std::int32_t x = v;
            if constexpr (decltype(masked)::value) {
              x &= mask32;
              x -= (isSigned && (x & sign32) != 0) ? 2 * sign32 : 0;
            }
            if constexpr (decltype(inverted)::value) {
              x = flip - x;
            }
            const std::int32_t value = x + b;
            ilo = std::min(ilo, value);
            ihi = std::max(ihi, value);
            if constexpr (std::is_same_v<O, float>) {
              out[n] = static_cast<float>(value);
            } else {
              constexpr auto kLowest = static_cast<std::int32_t>(std::numeric_limits<O>::lowest());
              constexpr auto kHighest = static_cast<std::int32_t>(std::numeric_limits<O>::max());
              out[n] = static_cast<O>(std::clamp(value, kLowest, kHighest));
            }
          }
        };
        using Yes = std::true_type;
        using No = std::false_type;
        if (mask) {
          invert ? run(Yes{}, Yes{}) : run(Yes{}, No{});
        } else {
          invert ? run(No{}, Yes{}) : run(No{}, No{});
        }
        lo = std::min(lo, static_cast<float>(ilo));
        hi = std::max(hi, static_cast<float>(ihi));
        continue;
      }
    }
    // Small integers with an integral rescale stay integers: no per-voxel
    // integrality test needed (float holds integers up to 2^24 exactly).
    const bool exactIntegers = std::is_integral_v<T> && sizeof(T) <= 2 &&
                               f.slope == std::nearbyint(f.slope) &&
                               f.intercept == std::nearbyint(f.intercept) &&
                               std::fabs(f.slope) * 65536.0 + std::fabs(f.intercept) < 16777216.0;
    for (std::size_t n = 0; n < frameVoxels; ++n) {
      T v;
      std::memcpy(&v, in + n * sizeof(T), sizeof(T));
      double d = 0.0;
      if constexpr (std::is_integral_v<T>) {
        // NOLINTNEXTLINE(bugprone-signed-char-misuse): int8 is signed data
        auto x = static_cast<std::int64_t>(v);
        if (mask) {
          x &= (std::int64_t{1} << bitsStored) - 1;
          if (isSigned && (x & (std::int64_t{1} << (bitsStored - 1))) != 0) {
            x -= std::int64_t{1} << bitsStored;
          }
        }
        if (invert) {
          x = low + high - x;
        }
        d = static_cast<double>(x);
      } else {
        d = static_cast<double>(v);
      }
      const auto value = static_cast<float>(d * f.slope + f.intercept);
      lo = std::min(lo, value);
      hi = std::max(hi, value);
      if (!exactIntegers) {
        // Integral without a libm call: beyond 1e9 a volume cannot be stored
        // as integers anyway, and NaN fails the comparison.
        integral = integral && std::fabs(value) < 1e9F &&
                   static_cast<float>(static_cast<std::int32_t>(value)) == value;
      }
      if constexpr (std::is_same_v<O, float>) {
        out[n] = value;
      } else {
        constexpr auto kLowest = static_cast<float>(std::numeric_limits<O>::lowest());
        constexpr auto kHighest = static_cast<float>(std::numeric_limits<O>::max());
        out[n] = value >= kLowest && value <= kHighest ? static_cast<O>(value) : O{0};
      }
    }
  }
  stats.lo = lo;
  stats.hi = hi;
  stats.integral = integral;
}

}  // namespace

Result<DecodedPixels> decodePixels(const FileHeader& header, const std::vector<FrameInfo>& frames,
                                   bool invertMonochrome1, const FrameTargets& targets) {
  silenceGdcm();
  const std::string name = header.file.string();
  if (!header.undecodable.empty()) {
    return makeError(name + ": cannot read the image: " + header.undecodable);
  }
  gdcm::ImageReader reader;
  reader.SetFileName(name.c_str());
  bool ok = false;
  try {
    ok = reader.Read();
  } catch (const std::exception& e) {
    return makeError(name + ": GDCM failed reading the image: " + e.what());
  }
  const std::string ts =
      reader.GetFile().GetHeader().GetDataSetTransferSyntax().GetString() != nullptr
          ? reader.GetFile().GetHeader().GetDataSetTransferSyntax().GetString()
          : "unknown";
  if (!ok) {
    return makeError(name +
                     ": cannot read the image (truncated or corrupt file, or a transfer "
                     "syntax GDCM cannot decode; transfer syntax " +
                     ts + ")");
  }
  const gdcm::Image& image = reader.GetImage();
  const gdcm::PixelFormat& pf = image.GetPixelFormat();
  if (pf.GetSamplesPerPixel() != 1) {
    return makeError(name + ": colour image (" + std::to_string(pf.GetSamplesPerPixel()) +
                     " samples per pixel) is not a scalar volume");
  }
  const unsigned columns = image.GetDimension(0);
  const unsigned rows = image.GetDimension(1);
  const unsigned frameCount = image.GetNumberOfDimensions() > 2 ? image.GetDimension(2) : 1;
  if (columns != header.columns || rows != header.rows || frameCount != header.frames) {
    return makeError(name + ": pixel data is " + std::to_string(columns) + "x" +
                     std::to_string(rows) + "x" + std::to_string(frameCount) +
                     " but the header says " + std::to_string(header.columns) + "x" +
                     std::to_string(header.rows) + "x" + std::to_string(header.frames));
  }
  if (frames.size() != frameCount) {
    return makeError(name + ": " + std::to_string(frames.size()) + " frame descriptions for " +
                     std::to_string(frameCount) + " frames");
  }
  const std::size_t frameVoxels = std::size_t{rows} * columns;
  const std::size_t count = frameVoxels * frameCount;
  const unsigned bytesPerValue = pf.GetBitsAllocated() / 8;
  const auto scalar = pf.GetScalarType();
  if (pf.GetBitsAllocated() % 8 != 0 || bytesPerValue == 0 || bytesPerValue > 8) {
    return makeError(name + ": unsupported BitsAllocated " + std::to_string(pf.GetBitsAllocated()));
  }
  const unsigned long length = image.GetBufferLength();
  if (length < count * bytesPerValue) {
    return makeError(name + ": decoded pixel data has " + std::to_string(length) +
                     " bytes, expected " + std::to_string(count * bytesPerValue));
  }
  const gdcm::TransferSyntax& syntax = reader.GetFile().GetHeader().GetDataSetTransferSyntax();
  if (!syntax.IsEncapsulated() && syntax != gdcm::TransferSyntax::DeflatedExplicitVRLittleEndian) {
    const gdcm::DataSet& ds = reader.GetFile().GetDataSet();
    const std::uint64_t declared =
        ds.FindDataElement(gdcm::Tag(0x7fe0, 0x0010))
            ? static_cast<std::uint32_t>(ds.GetDataElement(gdcm::Tag(0x7fe0, 0x0010)).GetVL())
            : 0;
    if (auto missing = nativePixelDataShortfall(
            header.file, declared, syntax == gdcm::TransferSyntax::ExplicitVRBigEndian);
        missing > 0) {
      return makeError(name + ": truncated file: the pixel data (" + std::to_string(declared) +
                       " bytes) is " + std::to_string(missing) + " bytes short");
    }
  }
  // GDCM 3.0 hands back 32-bit big-endian values with only their 16-bit
  // halves swapped; finish the job.
  const bool swapHalves =
      syntax == gdcm::TransferSyntax::ExplicitVRBigEndian && pf.GetBitsAllocated() == 32;
  // GetBuffer writes every byte: no zero-fill.
  const std::unique_ptr<char[]> bufferStorage(new char[length]);
  const std::span<char> buffer(bufferStorage.get(), length);
  bool decoded = false;
  try {
    decoded = image.GetBuffer(buffer.data());
  } catch (const std::exception& e) {
    return makeError(name + ": pixel data cannot be decoded (transfer syntax " + ts +
                     "): " + e.what());
  }
  if (!decoded) {
    return makeError(name + ": pixel data cannot be decoded (truncated or corrupt, transfer " +
                     "syntax " + ts + ")");
  }

  if (swapHalves) {
    for (std::size_t n = 0; n + 4 <= buffer.size(); n += 4) {
      std::swap(buffer[n], buffer[n + 2]);
      std::swap(buffer[n + 1], buffer[n + 3]);
    }
  }
  const bool invert = invertMonochrome1 && header.photometric == "MONOCHROME1";
  const unsigned bitsStored = pf.GetBitsStored();
  const bool isSigned = pf.GetPixelRepresentation() == 1;
  const std::size_t targetCount = std::visit([](const auto& t) { return t.size(); }, targets);
  if (targetCount != frameCount) {
    return makeError(name + ": " + std::to_string(targetCount) + " frame destinations for " +
                     std::to_string(frameCount) + " frames");
  }
  DecodedPixels out;
  bool unscaled = true;
  for (const FrameInfo& f : frames) {
    unscaled = unscaled && f.slope == 1.0 && f.intercept == 0.0;
  }
  const bool supported = std::visit(
      [&](const auto& frameOut) {
        using O = std::remove_const_t<
            std::remove_pointer_t<typename std::decay_t<decltype(frameOut)>::element_type>>;
        switch (scalar) {
          case gdcm::PixelFormat::UINT8:
            convert<std::uint8_t, O>(buffer.data(), count, bitsStored, false, invert, frameVoxels,
                                     frames, frameOut, out);
            out.rawUnscaledUInt8 = unscaled;
            break;
          case gdcm::PixelFormat::INT8:
            convert<std::int8_t, O>(buffer.data(), count, bitsStored, true, invert, frameVoxels,
                                    frames, frameOut, out);
            break;
          case gdcm::PixelFormat::UINT12:
          case gdcm::PixelFormat::UINT16:
            convert<std::uint16_t, O>(buffer.data(), count, bitsStored, false, invert, frameVoxels,
                                      frames, frameOut, out);
            out.rawUnscaledUInt16 = unscaled;
            break;
          case gdcm::PixelFormat::INT12:
          case gdcm::PixelFormat::INT16:
            convert<std::int16_t, O>(buffer.data(), count, bitsStored, isSigned, invert,
                                     frameVoxels, frames, frameOut, out);
            break;
          case gdcm::PixelFormat::UINT32:
            convert<std::uint32_t, O>(buffer.data(), count, bitsStored, false, invert, frameVoxels,
                                      frames, frameOut, out);
            break;
          case gdcm::PixelFormat::INT32:
            convert<std::int32_t, O>(buffer.data(), count, bitsStored, true, invert, frameVoxels,
                                     frames, frameOut, out);
            break;
          case gdcm::PixelFormat::FLOAT32:
            convert<float, O>(buffer.data(), count, 32, true, false, frameVoxels, frames, frameOut,
                              out);
            break;
          case gdcm::PixelFormat::FLOAT64:
            convert<double, O>(buffer.data(), count, 64, true, false, frameVoxels, frames, frameOut,
                               out);
            break;
          default:
            return false;
        }
        return true;
      },
      targets);
  if (!supported) {
    return makeError(name + ": unsupported pixel format " +
                     std::string(pf.GetScalarTypeAsString()));
  }
  return out;
}

}  // namespace medverse::imaging::dicom
