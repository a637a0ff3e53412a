namespace Granary.Grains.Tests.Support;

/// <summary>The two EDGELESS workflows of REFERENCE.md section 9, verbatim, and the code files they point to.</summary>
public static class ReferenceExamples
{
    public const string ChainPath = "examples/chain/workflow-chain.json";

    public const string VectorMulWasm = "functions/vector_mul/vector_mul.wasm";

    public const string FileLogPath = "examples/file_log/workflow.json";

    public const string MessageGeneratorWasm = "functions/message_generator/message_generator.wasm";

    public const string Chain = """
        {
          "functions": [
            {"name": "client", "class_specification": {"id": "vector_mul", "function_type": "RUST_WASM",
              "version": "0.2", "code": "../../functions/vector_mul/vector_mul.wasm", "outputs": ["out"]},
             "output_mapping": {"out": "f1"},
             "annotations": {"init-payload": "seed=42,is_client=true,input_size=1000"}},
            {"name": "f1", "class_specification": {"id": "vector_mul", "function_type": "RUST_WASM",
              "version": "0.2", "code": "../../functions/vector_mul/vector_mul.wasm", "outputs": ["out"]},
             "output_mapping": {"out": "f2"},
             "annotations": {"init-payload": "seed=42,is_client=false,input_size=1000"}},
            {"name": "f2", "class_specification": {"id": "vector_mul", "function_type": "RUST_WASM",
              "version": "0.2", "code": "../../functions/vector_mul/vector_mul.wasm", "outputs": ["out"]},
             "output_mapping": {"out": "client"},
             "annotations": {"init-payload": "seed=42,is_client=false,input_size=1000"}}
          ],
          "resources": [],
          "annotations": {}
        }
        """;

    public const string FileLog = """
        {
          "functions": [
            {"name": "my-message-generator", "class_specification": {"id": "message_generator",
              "function_type": "RUST_WASM", "version": "0.1",
              "code": "../../functions/message_generator/message_generator.wasm", "outputs": []},
             "output_mapping": {"output": "my-log"},
             "annotations": {"init-payload": "message=hello world,period=1000"}}
          ],
          "resources": [
            {"name": "my-log", "class_type": "file-log", "output_mapping": {},
             "configurations": {"filename": "my-local-file.log", "add-timestamp": "true"}}
          ],
          "annotations": {}
        }
        """;

    /// <summary>Lays out the chain example and its wasm file; returns the JSON file's path.</summary>
    public static string WriteChain(TempWorkspace workspace)
    {
        workspace.Write(VectorMulWasm, "\0asm");
        return workspace.Write(ChainPath, Chain);
    }

    /// <summary>Lays out the file-log example and its wasm file; returns the JSON file's path.</summary>
    public static string WriteFileLog(TempWorkspace workspace)
    {
        workspace.Write(MessageGeneratorWasm, "\0asm");
        return workspace.Write(FileLogPath, FileLog);
    }
}
