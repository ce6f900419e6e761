use tonic::transport::Channel;
use tonic_health::pb::{
    HealthCheckRequest, health_check_response::ServingStatus, health_client::HealthClient,
};

use crate::both_stores;

both_stores! {
    async fn health_reports_serving_while_the_database_answers(app) {
        let channel = Channel::from_shared(format!("http://{}", app.addr)).unwrap().connect().await.unwrap();
        let mut health = HealthClient::new(channel);
        for service in ["", "tekmerkez.case.v1.CaseService", "tekmerkez.case.v1.DirectoryService", "tekmerkez.case.v1.CalendarService"] {
            let mut status = ServingStatus::Unknown as i32;
            for _ in 0..200 {
                if let Ok(r) = health.check(HealthCheckRequest { service: service.into() }).await {
                    status = r.into_inner().status;
                    if status == ServingStatus::Serving as i32 {
                        break;
                    }
                }
                tokio::time::sleep(std::time::Duration::from_millis(25)).await;
            }
            assert_eq!(status, ServingStatus::Serving as i32, "{service}");
        }
    }
}
