package dev.berth.cdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.logs.CfnLogGroup;
import software.amazon.awscdk.services.logs.LogGroup;

class LogRetentionTest {

    /** CDK itself renders each constant: the number beside it must be what CloudWatch is given. */
    @Test
    void eachDaysValueIsWhatItsConstantRendersAs() {
        Stack stack = new Stack(new App(), "Retention");
        LogRetention.BY_DAYS.forEach((days, retention) -> {
            LogGroup group = LogGroup.Builder.create(stack, "Days" + days).retention(retention).build();
            Number rendered = ((CfnLogGroup) group.getNode().getDefaultChild()).getRetentionInDays();
            assertEquals(days, rendered.intValue(), retention.name());
        });
    }

    @Test
    void settingsAllowExactlyTheMappedDaysInAscendingOrder() {
        assertEquals(List.copyOf(LogRetention.BY_DAYS.keySet()), Settings.LOG_RETENTION_DAYS);
        assertEquals(Settings.LOG_RETENTION_DAYS.stream().sorted().toList(), Settings.LOG_RETENTION_DAYS);
    }

    @Test
    void aNumberCloudWatchDoesNotAcceptIsRefusedNamingTheSetting() {
        var e = assertThrows(IllegalArgumentException.class, () -> LogRetention.of(10));
        assertTrue(e.getMessage().contains("'logRetentionDays'"), e.getMessage());
    }
}
