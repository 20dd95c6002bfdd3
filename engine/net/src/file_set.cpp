#include "medverse/net/file_set.h"

#include <algorithm>
#include <fstream>
#include <system_error>

namespace medverse::net {

uint32_t FileSetEntry::chunkSize(uint32_t index) const {
  const uint64_t begin = static_cast<uint64_t>(index) * kAssetChunkBytes;
  if (begin >= size) {
    return 0;
  }
  return static_cast<uint32_t>(std::min<uint64_t>(kAssetChunkBytes, size - begin));
}

uint32_t chunkCountFor(uint64_t size) {
  return static_cast<uint32_t>((size + kAssetChunkBytes - 1) / kAssetChunkBytes);
}

Hash256 FileSet::id() const {
  Hasher hasher;
  const std::string_view tag = "medverse file set v1";
  hasher.update({reinterpret_cast<const uint8_t*>(tag.data()), tag.size()});  // NOLINT
  for (const FileSetEntry& file : files) {
    const auto pathLength = static_cast<uint32_t>(file.path.size());
    std::array<uint8_t, 12> sizes{};
    for (size_t i = 0; i < 4; ++i) {
      sizes[i] = static_cast<uint8_t>(pathLength >> (8U * i));
    }
    for (size_t i = 0; i < 8; ++i) {
      sizes[4 + i] = static_cast<uint8_t>(file.size >> (8U * i));
    }
    hasher.update(sizes);
    hasher.update(
        {reinterpret_cast<const uint8_t*>(file.path.data()), file.path.size()});  // NOLINT
    hasher.update(file.hash.bytes);
  }
  return hasher.finish();
}

uint64_t FileSet::totalBytes() const {
  uint64_t total = 0;
  for (const FileSetEntry& file : files) {
    total += file.size;
  }
  return total;
}

Status checkFileSetPath(std::string_view path) {
  auto bad = [&](const std::string& why) {
    return makeError("file path '" + std::string(path.substr(0, 80)) + "' in the set " + why);
  };
  if (path.empty() || path.size() > kMaxFileSetPathBytes) {
    return bad("must be 1 to " + std::to_string(kMaxFileSetPathBytes) + " bytes long");
  }
  if (path.front() == '/') {
    return bad("is absolute");
  }
  for (const char c : path) {
    if (static_cast<unsigned char>(c) < 0x20U || c == 0x7F || c == '\\') {
      return bad("contains a control character or a backslash");
    }
  }
  size_t start = 0;
  while (start <= path.size()) {
    const size_t end = std::min(path.find('/', start), path.size());
    const std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") {
      return bad("has an empty, '.' or '..' component");
    }
    start = end + 1;
  }
  return Status::success();
}

Result<FileSet> scanFileSet(const std::filesystem::path& directory) {
  std::error_code ec;
  if (!std::filesystem::is_directory(directory, ec)) {
    return makeError("cannot offer " + directory.string() + ": not a directory");
  }
  FileSet set;
  std::filesystem::recursive_directory_iterator it(directory, ec);
  if (ec) {
    return makeError("cannot list " + directory.string() + ": " + ec.message());
  }
  for (const auto& entry : it) {
    if (entry.is_directory() && !entry.is_symlink()) {
      continue;
    }
    if (!entry.is_regular_file() || entry.is_symlink()) {
      return makeError("cannot offer " + entry.path().string() +
                       ": not a regular file (links and special files are not sent)");
    }
    FileSetEntry file;
    file.path = std::filesystem::relative(entry.path(), directory, ec).generic_string();
    if (Status s = checkFileSetPath(file.path); !s) {
      return makeError("cannot offer " + entry.path().string() + ": " + s.error().message);
    }
    std::ifstream in(entry.path(), std::ios::binary);
    if (!in) {
      return makeError("cannot read " + entry.path().string());
    }
    Hasher whole;
    std::vector<uint8_t> chunk(kAssetChunkBytes);
    while (true) {
      in.read(reinterpret_cast<char*>(chunk.data()),  // NOLINT
              static_cast<std::streamsize>(chunk.size()));
      const auto got = static_cast<size_t>(in.gcount());
      if (got == 0) {
        break;
      }
      const std::span<const uint8_t> data(chunk.data(), got);
      whole.update(data);
      file.chunkHashes.push_back(hashBytes(data));
      file.size += got;
      if (got < chunk.size()) {
        break;
      }
    }
    if (in.bad()) {
      return makeError("read error in " + entry.path().string());
    }
    if (file.size > kMaxFileSetFileBytes) {
      return makeError("cannot offer " + entry.path().string() + ": larger than " +
                       std::to_string(kMaxFileSetFileBytes) + " bytes");
    }
    file.hash = whole.finish();
    set.files.push_back(std::move(file));
  }
  if (set.files.size() > kMaxFileSetFiles) {
    return makeError("cannot offer " + directory.string() + ": more than " +
                     std::to_string(kMaxFileSetFiles) + " files");
  }
  std::sort(set.files.begin(), set.files.end(),
            [](const FileSetEntry& a, const FileSetEntry& b) { return a.path < b.path; });
  return set;
}

}  // namespace medverse::net
