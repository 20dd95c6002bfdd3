#pragma once
// Progress for long imports: a redrawn bar on a terminal, plain lines (one
// per stage and per 10%) when stderr is a file or a pipe.
#include <string>

namespace medverse::tools {

class ProgressPrinter {
 public:
  ProgressPrinter();
  void update(const std::string& stage, double fraction);
  void finish();

 private:
  bool terminal_;
  std::string stage_;
  int lastDecile_ = -1;
  int lastWidth_ = 0;
};

}  // namespace medverse::tools
