package org.vmemperor.common.testing;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import jakarta.ws.rs.Path;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaAnnotation;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The module boundaries of DESIGN.md as ArchUnit rules, shared by every module's {@code ArchitectureTest} (each imports
 * its own main classes only: tests may read the pool with the SDK or start the simulator).
 */
public final class ArchitectureRules {

    /** Root package of the whole project. */
    public static final String PROJECT = "org.vmemperor..";

    /** Root package of common. */
    public static final String COMMON = "org.vmemperor.common..";

    /** Where the XenAPI SDK may be used: common's facade over it. */
    public static final String COMMON_XENAPI = "org.vmemperor.common.xenapi..";

    /** The XenAPI Java SDK ({@code com.citrix.hypervisor:xen-api}). */
    public static final String XENAPI_SDK = "com.xensource.xenapi..";

    private ArchitectureRules() {
    }

    /** No type of the XenAPI SDK outside common's xenapi package: services speak to common's facade. */
    public static ArchRule xenApiSdkOnlyInCommonXenApi() {
        return noClasses().that().resideOutsideOfPackage(COMMON_XENAPI)
                .should().dependOnClassesThat().resideInAPackage(XENAPI_SDK)
                .because("the SDK's types stay inside common's xenapi package (DESIGN.md)");
    }

    /**
     * A service's classes use, of the project, only their own package and common: never another service, the
     * simulator or the standalone.
     *
     * @param servicePackage the service's root package, e.g. {@code org.vmemperor.vm}
     */
    public static ArchRule serviceDependsOnCommonOnly(String servicePackage) {
        String own = servicePackage + "..";
        return classes().that().resideInAPackage(own)
                .should().onlyDependOnClassesThat(resideOutsideOfPackage(PROJECT).or(resideInAnyPackage(own, COMMON)))
                .because("services depend on common only, never on each other (DESIGN.md)");
    }

    /** common uses nothing of the project but itself: no service, no standalone, never the simulator. */
    public static ArchRule commonDependsOnNoOtherModule() {
        return classes().that().resideInAPackage(COMMON)
                .should().onlyDependOnClassesThat(resideOutsideOfPackage(PROJECT).or(resideInAnyPackage(COMMON)))
                .because("common depends on no service and never on the simulator (DESIGN.md)");
    }

    /**
     * Route paths are written whole on the method ({@code @Path("/vminfo")}) under a class-level {@code @Path("/")},
     * so that every route of the route table is one search away.
     */
    public static ArchRule routePathsWholeOnMethods() {
        DescribedPredicate<JavaAnnotation<?>> rootPath = new DescribedPredicate<>("@Path(\"/\")") {
            @Override
            public boolean test(JavaAnnotation<?> annotation) {
                return annotation.getRawType().isEquivalentTo(Path.class)
                        && "/".equals(annotation.get("value").orElse(null));
            }
        };
        return classes().that().areAnnotatedWith(Path.class).should().beAnnotatedWith(rootPath)
                .because("a route's path is written whole on its method (issue 15)").allowEmptyShould(true);
    }
}
