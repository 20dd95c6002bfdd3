#include "dicom_lengths.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string_view>

namespace medverse::imaging::dicom {
namespace {

constexpr uint32_t kUndefined = 0xFFFFFFFFU;
constexpr int kMaxDepth = 32;

class Walker {
 public:
  explicit Walker(const std::filesystem::path& file) : in_(file, std::ios::binary) {
    in_.seekg(0, std::ios::end);
    const auto end = in_.tellg();
    size_ = end > 0 ? static_cast<uint64_t>(end) : 0;
  }

  LengthProblem run() {
    if (!in_) {
      return {};
    }
    if (size_ < 8) {
      // Shorter than one element header: GDCM asserts on some such stubs
      // (fuzz_dicom: 7 bytes).
      return {"not a DICOM file: " + std::to_string(size_) + " bytes", false};
    }
    uint64_t pos = 0;
    std::array<uint8_t, 4> magic{};
    if (read(128, magic) &&
        std::string_view(reinterpret_cast<const char*>(magic.data()), 4) == "DICM") {
      pos = 132;
      // File meta: explicit VR little endian, group 0002.
      explicit_ = true;
      little_ = true;
      // GDCM asserts (aborts) on a group-0002 element it cannot read whole,
      // on an unknown VR, a sequence or an undefined length there, and when
      // the file ends inside or right after the group.
      for (bool first = true;; first = false) {
        std::array<uint8_t, 8> h{};
        if (!read(pos, h)) {
          return metaProblem(pos, "the file ends inside the file meta information");
        }
        if ((h[0] | (h[1] << 8U)) != 0x0002) {
          if (first) {
            // A Part 10 file always has its meta group here. Without one GDCM
            // guesses the encoding, and can read a text value as a 1.9 GB
            // length and allocate it (fuzz_dicom: 1.4 KB file whose group
            // length tag became (0000,0100)).
            return metaProblem(pos, "no file meta information (group 0002) after the DICM marker");
          }
          break;
        }
        const std::string_view vr(reinterpret_cast<const char*>(h.data() + 4), 2);
        if (!knownVr(vr)) {
          return metaProblem(pos, "unknown value representation in the file meta information");
        }
        if (vr == "SQ") {
          return metaProblem(pos, "a sequence in the file meta information");
        }
        if (!element(pos, size_, 0)) {
          return problem_.empty()
                     ? metaProblem(pos, "unreadable element in the file meta information")
                     : LengthProblem{problem_, false};
        }
      }
      if (transferSyntax_ == "1.2.840.10008.1.2.1.99") {
        // Deflated: the data set cannot be checked without inflating it, and
        // GDCM inflates it and allocates whatever its elements claim
        // (fuzz_dicom: 1.7 GB from a 4.5 KB file). Volumes do not come this
        // way (it is meant for reports), so such files are refused.
        problem_ =
            "Deflated Explicit VR Little Endian (1.2.840.10008.1.2.1.99) is not supported "
            "for images: its data set cannot be checked before it is read";
        problemAt_ = pos;
        headerProblem_ = true;
        return {problem_, false};
      }
      little_ = transferSyntax_ != "1.2.840.10008.1.2.2";
    } else {
      // No preamble: the common layouts are followed (little endian starting
      // with group 0002 or 0008, big endian starting with group 0008).
      // Anything else is not DICOM: GDCM would
      // still hunt for a data set in it, and asserts on what it finds there
      // (fuzz_dicom: a "DICM" one byte off its place).
      std::array<uint8_t, 2> group{};
      if (!read(0, group)) {
        return {};
      }
      if (group[0] == 0x00 && group[1] == 0x08) {
        little_ = false;  // big endian, explicit VR (walked below)
      } else if (group[1] != 0x00 || (group[0] != 0x02 && group[0] != 0x08)) {
        return metaProblem(0,
                           "not a DICOM file: no \"DICM\" marker at byte 128 and no group "
                           "0002 or 0008 element at its start");
      } else {
        little_ = true;
      }
    }
    // Explicit or implicit VR: GDCM goes by the data set, not by the
    // transfer syntax (some writers get it wrong), and so does this.
    std::array<uint8_t, 6> first{};
    if (!read(pos, first)) {
      // Too short to hold one element: GDCM asserts on such a stub.
      return size_ > pos
                 ? LengthProblem{"the file ends inside the header of its first element", false}
                 : LengthProblem{};
    }
    // Big endian is explicit VR only, and GDCM reads it so whatever follows
    // (it asserts on what is not a VR there: fuzz_dicom).
    explicit_ =
        !little_ || (first[4] >= 'A' && first[4] <= 'Z' && first[5] >= 'A' && first[5] <= 'Z');
    dataSet(pos, size_, 0, false);
    LengthProblem result = codestream_;
    result.what = problem_;
    // A broken element header (even PixelData's own) is the header's
    // problem: GDCM reads that header even when told to stop at PixelData.
    result.inPixelData = !headerProblem_ && pixelDataAt_ != kNone && problemAt_ >= pixelDataAt_;
    result.nativePixelBytes = nativePixelBytes_;
    result.transferSyntax = transferSyntax_;
    return result;
  }

 private:
  bool read(uint64_t pos, uint8_t* out, size_t n) {
    if (pos + n > size_) {
      return false;
    }
    in_.seekg(static_cast<std::streamoff>(pos));
    in_.read(reinterpret_cast<char*>(out), static_cast<std::streamsize>(n));
    return static_cast<bool>(in_);
  }
  template <size_t N>
  bool read(uint64_t pos, std::array<uint8_t, N>& out) {
    return read(pos, out.data(), N);
  }
  [[nodiscard]] uint32_t u16(const uint8_t* p) const {
    return little_ ? (p[0] | (p[1] << 8U)) : ((p[0] << 8U) | p[1]);
  }
  [[nodiscard]] uint32_t u32(const uint8_t* p) const {
    return little_ ? (p[0] | (p[1] << 8U) | (p[2] << 16U) | (static_cast<uint32_t>(p[3]) << 24U))
                   : ((static_cast<uint32_t>(p[0]) << 24U) | (p[1] << 16U) | (p[2] << 8U) | p[3]);
  }

  bool fail(uint32_t group, uint32_t elem, uint64_t at, uint64_t length, uint64_t left) {
    char buffer[160];
    std::snprintf(buffer, sizeof(buffer),
                  "element (%04X,%04X) at byte %llu claims %llu bytes, but only %llu follow", group,
                  elem, static_cast<unsigned long long>(at),
                  static_cast<unsigned long long>(length), static_cast<unsigned long long>(left));
    problem_ = buffer;
    problemAt_ = at;
    return false;
  }

  bool truncatedHeader(uint64_t at) {
    problem_ = "the file ends inside the header of the element at byte " + std::to_string(at);
    problemAt_ = at;
    headerProblem_ = true;
    return false;
  }

  // How problems name an element: "element (0028,0010) at byte 736".
  static std::string elementAt(uint32_t group, uint32_t elem, uint64_t at) {
    char buffer[48];
    std::snprintf(buffer, sizeof(buffer), "element (%04X,%04X) at byte %llu", group, elem,
                  static_cast<unsigned long long>(at));
    return buffer;
  }

  // A broken element header (GDCM would abort or allocate reading it):
  // refused wherever it is, even at or after PixelData, since GDCM reads
  // element headers there too.
  bool headerFail(uint64_t at, std::string what) {
    problem_ = std::move(what);
    problemAt_ = at;
    headerProblem_ = true;
    return false;
  }

  bool unknownVr(uint64_t at, uint32_t group, uint32_t elem) {
    return headerFail(at, elementAt(group, elem, at) + " has an unknown value representation");
  }

  // The VR of the image attributes GDCM reads as typed attributes; null for
  // any other tag.
  static const char* imageAttributeVr(uint32_t group, uint32_t elem) {
    struct Entry {
      uint16_t group, elem;
      const char* vr;
    };
    static constexpr Entry kTable[] = {
        {0x0018, 0x0050, "DS"}, {0x0018, 0x0088, "DS"}, {0x0020, 0x0013, "IS"},
        {0x0020, 0x0032, "DS"}, {0x0020, 0x0037, "DS"}, {0x0028, 0x0002, "US"},
        {0x0028, 0x0004, "CS"}, {0x0028, 0x0006, "US"}, {0x0028, 0x0008, "IS"},
        {0x0028, 0x0010, "US"}, {0x0028, 0x0011, "US"}, {0x0028, 0x0030, "DS"},
        {0x0028, 0x0100, "US"}, {0x0028, 0x0101, "US"}, {0x0028, 0x0102, "US"},
        {0x0028, 0x0103, "US"}, {0x0028, 0x1050, "DS"}, {0x0028, 0x1051, "DS"},
        {0x0028, 0x1052, "DS"}, {0x0028, 0x1053, "DS"}, {0x0028, 0x1054, "LO"},
    };
    for (const Entry& e : kTable) {
      if (e.group == group && e.elem == elem) {
        return e.vr;
      }
    }
    return nullptr;
  }

  bool wrongVr(uint64_t at, uint32_t group, uint32_t elem, std::string_view vr,
               const char* expected) {
    return headerFail(at, elementAt(group, elem, at) + " has the value representation " +
                              std::string(vr) + ", not " + expected);
  }

  bool pixelDataVr(uint64_t at, std::string_view vr) {
    return headerFail(at, "PixelData (7FE0,0010) at byte " + std::to_string(at) +
                              " has the value representation " + std::string(vr) +
                              ", not OB or OW");
  }

  bool reservedNotZero(uint64_t at, uint32_t group, uint32_t elem) {
    return headerFail(at, elementAt(group, elem, at) +
                              ": the two reserved bytes after its value representation are not "
                              "zero");
  }

  bool corrupt(uint64_t at, uint32_t group, uint32_t elem) {
    char buffer[160];
    std::snprintf(buffer, sizeof(buffer),
                  "encapsulated pixel data is corrupt at byte %llu: (%04X,%04X) where a fragment "
                  "item or the sequence delimiter belongs",
                  static_cast<unsigned long long>(at), group, elem);
    problem_ = buffer;
    problemAt_ = at;
    return false;
  }

  static bool knownVr(std::string_view vr) {
    static constexpr std::string_view kVrs[] = {
        "AE", "AS", "AT", "CS", "DA", "DS", "DT", "FD", "FL", "IS", "LO", "LT",
        "OB", "OD", "OF", "OL", "OV", "OW", "PN", "SH", "SL", "SQ", "SS", "ST",
        "SV", "TM", "UC", "UI", "UL", "UN", "UR", "US", "UT", "UV"};
    return std::find(std::begin(kVrs), std::end(kVrs), vr) != std::end(kVrs);
  }

  LengthProblem metaProblem(uint64_t at, const char* what) {
    problem_ = std::string(what) + " (byte " + std::to_string(at) + ")";
    problemAt_ = at;
    return {problem_, false};
  }

  // Elements up to `end`, or up to an item delimiter when `inItem`. Returns
  // false when it found a problem or lost its way (then the walk stops).
  bool dataSet(uint64_t& pos, uint64_t end, int depth, bool inItem) {
    while (pos + 8 <= end) {
      std::array<uint8_t, 4> tag{};
      if (!read(pos, tag)) {
        return false;
      }
      if (u16(tag.data()) == 0xFFFE) {
        if (inItem && u16(tag.data() + 2) == 0xE00D) {
          pos += 8;
          return true;
        }
        // An item tag where a data element belongs: GDCM asserts (aborts)
        // reading it as an implicit-VR element (found by fuzz_dicom).
        const uint32_t itemElem = u16(tag.data() + 2);
        if (itemElem == 0xE000) {
          return headerFail(pos, "an item tag (FFFE,E000) at byte " + std::to_string(pos) +
                                     " where a data element belongs");
        }
        // A sequence delimiter inside an item (the item's own delimiter
        // missing or damaged): GDCM loses its way after it and reads on,
        // allocating what the bytes there claim (fuzz_dicom: 4 GB from a
        // 5 KB file).
        if (inItem && itemElem == 0xE0DD) {
          return headerFail(pos, "a sequence delimiter (FFFE,E0DD) at byte " + std::to_string(pos) +
                                     " inside an item, whose own delimiter is missing");
        }
        // A delimiter tag where none belongs: GDCM reads it as an element,
        // allocating its length; the walk stops here either way.
        std::array<uint8_t, 8> h{};
        if (read(pos, h)) {
          const uint64_t length = u32(h.data() + 4);
          if (length != kUndefined && length > end - (pos + 8)) {
            return fail(0xFFFE, u16(h.data() + 2), pos, length, end - (pos + 8));
          }
        }
        if (itemElem != 0xE000 && itemElem != 0xE00D && itemElem != 0xE0DD) {
          // Not an item or delimiter tag at all (a damaged one): GDCM goes
          // astray after it and asserts (fuzz_dicom).
          char buffer[96];
          std::snprintf(buffer, sizeof(buffer), "an unknown item tag (FFFE,%04X) at byte %llu",
                        itemElem, static_cast<unsigned long long>(pos));
          return headerFail(pos, buffer);
        }
        return false;
      }
      if (!element(pos, end, depth)) {
        return false;
      }
    }
    // GDCM asserts when the file ends after an element's tag but inside the
    // rest of its header (VR or length).
    if (end == size_ && end - pos >= 4 && end - pos < 8) {
      return truncatedHeader(pos);
    }
    if (inItem) {
      // An item of undefined length must end with its delimiter before what
      // holds it ends; GDCM asserts when it does not (fuzz_dicom).
      return headerFail(pos,
                        "an item of undefined length has no item delimiter (FFFE,E00D) "
                        "before byte " +
                            std::to_string(end));
    }
    return true;
  }

  // One element at `pos`; advances past it.
  bool element(uint64_t& pos, uint64_t end, int depth) {
    std::array<uint8_t, 12> h{};
    const uint64_t at = pos;
    if (pos + 8 > end || !read(pos, h.data(), 8)) {
      return false;
    }
    const uint32_t group = u16(h.data());
    const uint32_t elem = u16(h.data() + 2);
    const bool explicitHere = explicit_ || group == 0x0002;
    if (group == 0x7FE0 && elem == 0x0010 && depth == 0 && pixelDataAt_ == kNone) {
      pixelDataAt_ = at;
    }
    std::string_view vr;
    uint64_t length = 0;
    if (explicitHere) {
      vr = std::string_view(reinterpret_cast<const char*>(h.data() + 4), 2);
      if (!knownVr(vr)) {
        return unknownVr(at, group, elem);  // GDCM asserts on some of these
      }
      if (const char* expected = imageAttributeVr(group, elem);
          expected != nullptr && vr != expected && vr != "UN") {
        // GDCM reads these through typed attributes that assert (abort) on
        // any other VR (fuzz_dicom: RescaleIntercept not DS).
        return wrongVr(at, group, elem, vr, expected);
      }
      if (group == 0x7FE0 && elem == 0x0010 && vr != "OB" && vr != "OW") {
        // GDCM asserts reading PixelData as anything else (e.g. SQ).
        return pixelDataVr(at, vr);
      }
      if (vr == "OB" || vr == "OD" || vr == "OF" || vr == "OL" || vr == "OV" || vr == "OW" ||
          vr == "SQ" || vr == "SV" || vr == "UC" || vr == "UN" || vr == "UR" || vr == "UT" ||
          vr == "UV") {
        if (!read(pos, h.data(), 12)) {
          return end == size_ ? truncatedHeader(pos) : false;
        }
        if (h[6] != 0 || h[7] != 0) {
          return reservedNotZero(at, group, elem);  // GDCM asserts on these
        }
        length = u32(h.data() + 8);
        pos += 12;
      } else {
        length = u16(h.data() + 6);
        pos += 8;
      }
    } else {
      length = u32(h.data() + 4);
      pos += 8;
    }
    if (length == kUndefined && imageAttributeVr(group, elem) != nullptr) {
      // GDCM reads these as typed values and asserts on a sequence there.
      return headerFail(at, elementAt(group, elem, at) + " has an undefined length");
    }
    if (length == kUndefined && explicitHere && vr != "SQ" && vr != "UN" &&
        !(group == 0x7FE0 && elem == 0x0010)) {
      // GDCM asserts reading any other VR of undefined length (fuzz_dicom).
      return headerFail(at, elementAt(group, elem, at) + " has an undefined length, which only " +
                                "SQ, UN and PixelData may have");
    }
    if (length == kUndefined) {
      if (depth >= kMaxDepth) {
        return false;
      }
      // A sequence, encapsulated pixel data, or UN holding implicit VR.
      const bool saved = explicit_;
      if (vr == "UN") {
        explicit_ = false;
      }
      const bool ok = items(pos, end, depth + 1, group == 0x7FE0 && elem == 0x0010);
      explicit_ = saved;
      return ok;
    }
    if (length > end - pos) {
      return fail(group, elem, at, length, end - pos);
    }
    if (group == 0x7FE0 && elem == 0x0010 && depth == 0) {
      nativePixelBytes_ = length;
    }
    if (group == 0x0008 && elem == 0x0010 && depth == 0) {
      // The retired ACR-NEMA Recognition Code: GDCM asserts (aborts) when
      // its value is not one of the three it knows (fuzz_dicom).
      std::string code(std::min<uint64_t>(length, 8), '\0');
      in_.seekg(static_cast<std::streamoff>(pos));
      in_.read(code.data(), static_cast<std::streamsize>(code.size()));
      if (code.rfind("ACR-NEMA", 0) != 0 && code.rfind("ACRNEMA", 0) != 0 &&
          code.rfind("MIPS 2.0", 0) != 0) {
        return headerFail(
            at, elementAt(group, elem, at) + ": a Recognition Code that is not ACR-NEMA's");
      }
    }
    if (group == 0x0002 && elem == 0x0010) {
      std::string uid(length, '\0');
      in_.seekg(static_cast<std::streamoff>(pos));
      in_.read(uid.data(), static_cast<std::streamsize>(length));
      while (!uid.empty() && (uid.back() == '\0' || uid.back() == ' ')) {
        uid.pop_back();
      }
      transferSyntax_ = uid;
    }
    if (vr == "SQ" && depth < kMaxDepth) {
      uint64_t inner = pos;
      if (!items(inner, pos + length, depth + 1, false) && !problem_.empty()) {
        return false;
      }
    }
    pos += length;
    return true;
  }

  // The image size a JPEG (SOFn), JPEG-LS (SOF55) or JPEG 2000 (SIZ)
  // codestream at `pos` declares, from its first marker segments.
  void readCodestreamSize(uint64_t pos, uint64_t length) {
    std::array<uint8_t, 4096> b{};
    const size_t n = static_cast<size_t>(std::min<uint64_t>(length, b.size()));
    if (n < 24 || !read(pos, b.data(), n)) {
      return;
    }
    auto be16 = [&](size_t at) -> uint32_t { return (b[at] << 8U) | b[at + 1]; };
    auto be32 = [&](size_t at) -> uint32_t { return (be16(at) << 16U) | be16(at + 2); };
    if (be16(0) == 0xFF4F && be16(2) == 0xFF51) {  // J2K: SOC, then SIZ
      const uint32_t x = be32(8), y = be32(12), x0 = be32(16), y0 = be32(20);
      if (x > x0 && y > y0) {
        codestream_.codestreamKind = "JPEG 2000";
        codestream_.codestreamColumns = x - x0;
        codestream_.codestreamRows = y - y0;
      }
      return;
    }
    if (be16(0) != 0xFFD8) {
      return;
    }
    size_t p = 2;
    while (p + 10 <= n) {
      if (b[p] != 0xFF) {
        return;
      }
      const uint8_t m = b[p + 1];
      if (m == 0xFF) {  // fill byte
        ++p;
        continue;
      }
      if (m == 0xD8 || m == 0x01 || (m >= 0xD0 && m <= 0xD7)) {  // no length
        p += 2;
        continue;
      }
      const bool sof = (m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC);
      if (sof || m == 0xF7) {
        codestream_.codestreamKind = m == 0xF7 ? "JPEG-LS" : "JPEG";
        codestream_.codestreamColumns = be16(p + 7);
        if (be16(p + 5) > 0) {
          codestream_.codestreamRows = be16(p + 5);
        }
        return;
      }
      if (m == 0xDA || m == 0xD9) {  // scan or end before a frame header
        return;
      }
      p += 2 + be16(p + 2);
    }
  }

  // A JPEG frame's header, SOI to SOS, must be a chain of marker segments:
  // libjpeg skips stray bytes between them with a warning, but GDCM's
  // 12-bit JPEG codec then asserts (fuzz_dicom: a damaged DHT marker in
  // pydicom's JPEG-lossy.dcm). Fragments that do not start a codestream
  // (SOI) are continuations and pass.
  bool checkJpegHeader(uint64_t pos, uint64_t length) {
    std::array<uint8_t, 2> soi{};
    if (length < 2 || !read(pos, soi) || soi[0] != 0xFF || soi[1] != 0xD8) {
      return true;
    }
    uint64_t p = 2;
    for (;;) {
      std::array<uint8_t, 4> m{};
      if (p + 2 > length ||
          !read(pos + p, m.data(), static_cast<size_t>(std::min<uint64_t>(4, length - p)))) {
        break;  // the header runs to the end of the fragment: GDCM reports that
      }
      if (m[0] != 0xFF) {
        char buffer[160];
        std::snprintf(buffer, sizeof(buffer),
                      "JPEG frame at byte %llu: byte %llu of its header is 0x%02X where a marker "
                      "belongs (corrupt codestream)",
                      static_cast<unsigned long long>(pos), static_cast<unsigned long long>(p),
                      m[0]);
        problem_ = buffer;
        problemAt_ = pos + p;
        return false;
      }
      const uint8_t marker = m[1];
      if (marker == 0xFF) {  // fill byte
        ++p;
        continue;
      }
      if (marker == 0xDA || marker == 0xD9) {  // scan data or the end: header over
        break;
      }
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD8)) {  // no length
        p += 2;
        continue;
      }
      if (p + 4 > length) {
        break;
      }
      p += 2 + ((uint64_t{m[2]} << 8U) | m[3]);
    }
    return true;
  }

  bool checkRleHeader(uint64_t pos, uint64_t length) {
    std::array<uint8_t, 64> h{};
    const bool saved = little_;
    little_ = true;  // RLE headers are little endian whatever the data set is
    bool ok = length >= h.size() && read(pos, h);
    const uint32_t segments = ok ? u32(h.data()) : 0;
    ok = ok && segments >= 1 && segments <= 15 && u32(h.data() + 4) == 64;
    for (uint32_t i = 1; ok && i < segments; ++i) {
      const uint32_t offset = u32(h.data() + 4 * (i + 1));
      ok = offset > u32(h.data() + 4 * i) && offset < length;
    }
    little_ = saved;
    if (!ok) {
      char buffer[160];
      std::snprintf(buffer, sizeof(buffer),
                    "RLE frame at byte %llu has an invalid header (%u segments; offsets must "
                    "start at 64 and increase within the frame's %llu bytes)",
                    static_cast<unsigned long long>(pos), segments,
                    static_cast<unsigned long long>(length));
      problem_ = buffer;
      problemAt_ = pos;
    }
    return ok;
  }

  // Items (of a sequence, or pixel-data fragments) up to a sequence
  // delimiter or `end`.
  bool items(uint64_t& pos, uint64_t end, int depth, bool fragments) {
    while (pos + 8 <= end) {
      std::array<uint8_t, 8> h{};
      if (!read(pos, h)) {
        return false;
      }
      const uint32_t group = u16(h.data());
      const uint32_t elem = u16(h.data() + 2);
      const uint64_t at = pos;
      const uint64_t length = u32(h.data() + 4);
      if (group != 0xFFFE || (elem != 0xE000 && elem != 0xE0DD) ||
          (fragments && elem == 0xE000 && length == kUndefined)) {
        if (fragments) {
          // GDCM reads on from here as if these were elements, allocating
          // whatever they claim.
          return corrupt(at, group, elem);
        }
        return false;
      }
      pos += 8;
      if (elem == 0xE0DD) {
        if (fragments && length != 0) {
          // GDCM asserts on a fragment sequence's delimiter with a length.
          problem_ = "encapsulated pixel data is corrupt at byte " + std::to_string(at) +
                     ": its sequence delimiter (FFFE,E0DD) has a length";
          problemAt_ = at;
          return false;
        }
        return true;
      }
      if (length == kUndefined) {
        if (!dataSet(pos, end, depth, true)) {
          return false;
        }
        continue;
      }
      if (length > end - pos) {
        return fail(0xFFFE, elem, at, length, end - pos);
      }
      // The first item is the offset table; each further one is compressed
      // frame data. GDCM's RLE decoder trusts the segment count and offsets
      // of an RLE frame's header (and reads past its buffer), so check them.
      const bool frameData = fragments && fragmentIndex_++ > 0;
      if (frameData && transferSyntax_ == "1.2.840.10008.1.2.5" && !checkRleHeader(pos, length)) {
        return false;
      }
      const bool jpeg = transferSyntax_ == "1.2.840.10008.1.2.4.50" ||
                        transferSyntax_ == "1.2.840.10008.1.2.4.51" ||
                        transferSyntax_ == "1.2.840.10008.1.2.4.57" ||
                        transferSyntax_ == "1.2.840.10008.1.2.4.70";
      if (frameData && jpeg && !checkJpegHeader(pos, length)) {
        return false;
      }
      if (fragments && depth == 1) {  // the top-level PixelData's own fragments
        if (!codestream_.encapsulatedPixelBytes) {
          codestream_.encapsulatedPixelBytes = 0;  // the offset table
        } else {
          *codestream_.encapsulatedPixelBytes += length;
          if (codestream_.pixelFragments++ == 0) {
            readCodestreamSize(pos, length);
          }
        }
      }
      if (!fragments) {
        uint64_t inner = pos;
        if (!dataSet(inner, pos + length, depth, false) && !problem_.empty()) {
          return false;
        }
      }
      pos += length;
    }
    return true;
  }

  std::ifstream in_;
  uint64_t size_ = 0;
  bool explicit_ = true;
  bool little_ = true;
  std::string transferSyntax_;
  std::string problem_;
  static constexpr uint64_t kNone = ~uint64_t{0};
  uint64_t problemAt_ = kNone;
  bool headerProblem_ = false;  // an element header GDCM cannot read, wherever it is
  uint64_t pixelDataAt_ = kNone;
  std::optional<uint64_t> nativePixelBytes_;
  unsigned fragmentIndex_ = 0;
  LengthProblem codestream_;
};

}  // namespace

LengthProblem impossibleLength(const std::filesystem::path& file) {
  return Walker(file).run();
}

}  // namespace medverse::imaging::dicom
