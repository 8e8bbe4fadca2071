package dev.portcullis.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The package graph as a ladder, checked on every build. Each rung may use the rungs below it,
 * never one above; a rule that fails names the type that sits on the wrong rung (move the type,
 * not the rule). From the bottom:
 * <ol>
 *   <li>vocab: the words every rung shares (reasons, identity, host names, path characters)</li>
 *   <li>config: reads, binds and validates the YAML into plain records, nothing more</li>
 *   <li>logic: route, authz, authn and the decision core: pure, Netty-free, testable in milliseconds</li>
 *   <li>I/O: forward, observe, detect, reject: upstream connections, metrics, audit, alerts, answers</li>
 *   <li>compile: turns config into the immutable snapshot, assembling logic and I/O pieces</li>
 *   <li>server (the proxy) and the offline tools (tools: the policy tools; denials: the audit-log reader; the demo)</li>
 *   <li>cli on top</li>
 * </ol>
 */
@AnalyzeClasses(packages = "dev.portcullis", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    private static final String VOCAB = "dev.portcullis.vocab..";
    private static final String CONFIG = "dev.portcullis.config..";
    private static final String[] LOGIC = {"dev.portcullis.route..", "dev.portcullis.authz..",
            "dev.portcullis.authn..", "dev.portcullis.decide..", "dev.portcullis.membership..",
            "dev.portcullis.session.."};
    private static final String[] IO = {"dev.portcullis.forward..", "dev.portcullis.observe..",
            "dev.portcullis.detect..", "dev.portcullis.reject..", "dev.portcullis.directory..",
            "dev.portcullis.oidc..", "dev.portcullis.shared.."};
    private static final String COMPILE = "dev.portcullis.compile..";
    private static final String SERVER = "dev.portcullis.server..";
    private static final String[] TOOLS = {"dev.portcullis.tools..", "dev.portcullis.denials..",
            "dev.portcullis.demo.."};
    private static final String CLI = "dev.portcullis.cli..";

    /** The packages that do network I/O with Netty; nothing else sees a Netty type. */
    private static final String[] NETTY_USERS = {SERVER, "dev.portcullis.forward..", "dev.portcullis.reject.."};

    @ArchTest
    static final ArchRule ladder = layeredArchitecture().consideringOnlyDependenciesInLayers()
            .layer("Vocabulary").definedBy(VOCAB)
            .layer("Config").definedBy(CONFIG)
            .layer("Logic").definedBy(LOGIC)
            .layer("IO").definedBy(IO)
            .layer("Compile").definedBy(COMPILE)
            .layer("Server").definedBy(SERVER)
            .layer("Tools").definedBy(TOOLS)
            .layer("Cli").definedBy(CLI)
            .whereLayer("Cli").mayNotBeAccessedByAnyLayer()
            .whereLayer("Server").mayOnlyBeAccessedByLayers("Cli")
            .whereLayer("Tools").mayOnlyBeAccessedByLayers("Cli")
            .whereLayer("Compile").mayOnlyBeAccessedByLayers("Server", "Tools", "Cli")
            .whereLayer("IO").mayOnlyBeAccessedByLayers("Compile", "Server", "Tools", "Cli")
            .whereLayer("Logic").mayOnlyBeAccessedByLayers("IO", "Compile", "Server", "Tools", "Cli")
            .whereLayer("Config").mayOnlyBeAccessedByLayers("Logic", "IO", "Compile", "Server", "Tools", "Cli")
            .whereLayer("Vocabulary").mayOnlyBeAccessedByLayers("Config", "Logic", "IO", "Compile", "Server",
                    "Tools", "Cli");

    /** A new package must take a rung: otherwise the ladder would not see its dependencies. */
    @ArchTest
    static final ArchRule everyPackageIsOnARung = classes().should().resideInAnyPackage(
            concat(new String[] {VOCAB, CONFIG, COMPILE, SERVER, CLI}, LOGIC, IO, TOOLS))
            .because("the ladder only checks packages that are on it");

    @ArchTest
    static final ArchRule noPackageCycles = slices().matching("dev.portcullis.(*)..").should().beFreeOfCycles();

    @ArchTest
    static final ArchRule configOnlyReadsBindsAndValidates = noClasses().that().resideInAPackage(CONFIG)
            .should().dependOnClassesThat().resideInAnyPackage(concat(new String[] {COMPILE, SERVER, CLI},
                    LOGIC, IO, TOOLS))
            .because("config is the floor: records, reading and validation; compiling sits above");

    @ArchTest
    static final ArchRule nettyOnlyWhereIoHappens = noClasses().that().resideOutsideOfPackages(NETTY_USERS)
            .should().dependOnClassesThat().resideInAPackage("io.netty..")
            .because("what knows nothing of Netty can be unit-tested in milliseconds");

    @ArchTest
    static final ArchRule noNettyInternals = noClasses().should().dependOnClassesThat()
            .resideInAPackage("io.netty.util.internal..")
            .because("Netty's internal API changes without notice between releases");

    // The decision core (dev.portcullis.decide) is built on another branch and merged in by the
    // lead; allowEmptyShould keeps this rule meaningful before then without failing on no classes.
    @ArchTest
    static final ArchRule decisionCoreKnowsNoServer = noClasses().that().resideInAPackage("dev.portcullis.decide..")
            .should().dependOnClassesThat().resideInAnyPackage(SERVER, "io.netty..")
            .allowEmptyShould(true)
            .because("the proxy, the policy tools and the fuzzer all call the same core");

    private static String[] concat(String[] first, String[]... rest) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(first));
        for (String[] r : rest) {
            all.addAll(java.util.List.of(r));
        }
        return all.toArray(String[]::new);
    }
}
