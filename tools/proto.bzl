"""ekv_proto_library: C++ code from .proto files with the system protoc.

Bazel 4's cc_proto_library needs @com_google_protobuf, which cannot be fetched offline,
so a genrule runs Debian's protoc (package protobuf-compiler) and a cc_library compiles
the result against Debian's libprotobuf. Imports are resolved from the workspace root:
`import "engine/proto/raft.proto";`.
"""

def ekv_proto_library(name, srcs, deps = [], visibility = None):
    """Declares `name`, a cc_library of the generated code of `srcs`.

    Args:
      name: the cc_library's name.
      srcs: .proto files in this package.
      deps: other ekv_proto_library targets whose .proto files these import.
      visibility: as for any rule.
    """
    hdrs = [s[:-len(".proto")] + ".pb.h" for s in srcs]
    ccs = [s[:-len(".proto")] + ".pb.cc" for s in srcs]
    native.filegroup(
        name = name + "_protos",
        srcs = srcs + [d + "_protos" for d in deps],
        visibility = visibility,
    )
    native.genrule(
        name = name + "_gen",
        srcs = srcs + [d + "_protos" for d in deps],
        outs = hdrs + ccs,
        cmd = " ".join([
            "protoc",
            "--proto_path=.",
            "--cpp_out=$(GENDIR)",
        ] + ["$(location %s)" % s for s in srcs]),
    )
    native.cc_library(
        name = name,
        srcs = ccs,
        hdrs = hdrs,
        deps = deps + ["@system//:protobuf"],
        visibility = visibility,
    )
