import Experiment
import Testing

@Suite("experiment files of several YAML documents")
struct MultiDocumentTests {
    static let text = """
        # two experiments: each solver with the settings of its own problem
        dataset:
          - tomography_2d: {img_size: 64, num_angles: 20}
        solver:
          - PnP: {denoiser: tv, denoiser_sigma: 0.01}
          - PnP-HQS: {denoiser: tv, denoiser_sigma: 0.01, penalty_scale: [0.01, 0.1]}
        max-runs: 5
        ---
        dataset:
          - highres_color_image: {image_size: 96, num_operators: 2}
        solver:
          - DPIR: {denoiser: tv, denoiser_sigma: 0.05}
        max-runs: 8
        """

    @Test("each document is an experiment; the runs of a later one are numbered after the earlier ones")
    func documentsExpandInOrder() throws {
        let experiments = try ExperimentFile.documents(yaml: Self.text, path: "study.yml")
        #expect(experiments.count == 2 && experiments.map(\.maxRuns) == [5, 8])
        let first = try experiments[0].expand()
        let second = try experiments[1].expand(firstIndex: first.count)
        #expect(first.map(\.solver) == ["PnP", "PnP-HQS", "PnP-HQS"] && second.map(\.solver) == ["DPIR"])
        #expect((first + second).map(\.index) == [0, 1, 2, 3])
        #expect(second[0].maxIterations == 8 && second[0].dataset == "highres_color_image")
    }

    @Test("a mistake in a later document names its own line; a single-document reader refuses a second document")
    func errorsNameTheDocumentLine() throws {
        let wrong = Self.text.replacingOccurrences(of: "max-runs: 8", with: "max-runs: 0")
        #expect { try ExperimentFile.documents(yaml: wrong, path: "study.yml") } throws: { error in
            let config = error as? ConfigError
            return config?.line == 13 && config?.field == "max-runs"
        }
        let missing = Self.text.replacingOccurrences(of: "solver:\n  - DPIR: {denoiser: tv, denoiser_sigma: 0.05}\n", with: "")
        #expect { try ExperimentFile.documents(yaml: missing, path: "study.yml") } throws: { error in
            let config = error as? ConfigError
            return config?.line == 9 && config?.field == "solver"
        }
        #expect { try ExperimentFile(yaml: Self.text, path: "study.yml") } throws: { error in
            (error as? ConfigError)?.line == 9
        }
        #expect(throws: ConfigError.self) { try ExperimentFile.documents(yaml: "# nothing\n", path: "empty.yml") }
        #expect(throws: ConfigError.self) { try ExperimentFile.documents(yaml: "---\n# nothing\n---\n", path: "empty.yml") }
    }

    @Test("a leading or trailing '---' and a document of comments only add no experiment; a wrong key names its own line")
    func emptyDocumentsAreSkipped() throws {
        let text = "---\n" + Self.text + "\n---\n# only a comment\n---\n"
        #expect(try ExperimentFile.documents(yaml: text, path: "study.yml").count == 2)
        #expect { try ExperimentFile.documents(yaml: text + "foo: 1\n", path: "study.yml") } throws: { error in
            let config = error as? ConfigError
            return config?.line == 18 && config?.description.contains("unknown key 'foo'") == true
        }
    }
}
