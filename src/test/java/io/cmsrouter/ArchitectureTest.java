package io.cmsrouter;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * Packages by capability, with no cycles between them; the api package alone turns failures into HTTP statuses; the
 * demo profile's simulator is used by nothing else.
 */
class ArchitectureTest {
    private static final JavaClasses ROUTER = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("io.cmsrouter");

    @Test
    void packagesDoNotDependOnEachOtherInCircles() {
        slices().matching("io.cmsrouter.(*)..").should().beFreeOfCycles().check(ROUTER);
    }

    @Test
    void nothingDependsOnTheDemoProfilesSimulator() {
        noClasses().that().resideOutsideOfPackage("io.cmsrouter.demo..")
                .should().dependOnClassesThat().resideInAPackage("io.cmsrouter.demo..").check(ROUTER);
    }

    @Test
    void domainExceptionsCarryNoHttpStatus() {
        classes().that().areAssignableTo(RuntimeException.class).and().resideOutsideOfPackage("io.cmsrouter.api..")
                .should(new ArchCondition<>("carry no HTTP status") {
                    @Override
                    public void check(JavaClass exception, ConditionEvents events) {
                        exception.getFields().stream().filter(f -> f.getName().toLowerCase().contains("status"))
                                .forEach(f -> events.add(SimpleConditionEvent.violated(exception,
                                        exception.getName() + " has a field " + f.getName())));
                    }
                }).check(ROUTER);
    }
}
