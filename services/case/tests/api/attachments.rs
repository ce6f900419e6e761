//! Files that came with an application: stored with the case in the same
//! transaction, listed on GetCase without their content, returned by
//! GetAttachment only to those who may see the case, and checked at the
//! door (count, size, type, and content that is what its type says).

use tekmerkez_proto::case_v1 as pb;
use tonic::Code;

use crate::{both_stores, helpers::*};

const PNG: &[u8] = &[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3];

fn file(name: &str, content_type: &str, content: &[u8]) -> pb::NewAttachment {
    pb::NewAttachment {
        file_name: name.into(),
        content_type: content_type.into(),
        content: content.to_vec(),
    }
}

fn get(case_id: &str, attachment_id: &str) -> pb::GetAttachmentRequest {
    pb::GetAttachmentRequest {
        case_id: case_id.into(),
        attachment_id: attachment_id.into(),
    }
}

both_stores! {
    async fn a_file_name_is_stored_without_bidi_controls_so_it_shows_what_it_is(app) {
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.attachments = vec![
            file("Ödeme \u{202E}gnp.exe", "application/pdf", b"%PDF-1.4 test"),
            file("\u{200B}\u{202E}", "application/pdf", b"%PDF-1.4 test"),
        ];
        let err = app.case.create_case(with_token(ROUTING_TOKEN, req.clone())).await.unwrap_err();
        assert_eq!(err.code(), Code::InvalidArgument);
        assert_eq!(violated_fields(&err), vec!["attachments[1].file_name"], "a name that shows nothing");
        req.attachments.pop();
        let c = app.create(req).await;
        let seen = app.get("expert_ankara", &c.id).await.unwrap();
        assert_eq!(seen.attachments[0].file_name, "Ödeme gnp.exe");
    }

    async fn files_are_kept_with_the_case_and_shown_only_to_those_who_see_it(app) {
        let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
        req.attachments = vec![
            file("C:\\Users\\ayşe\\borunun fotoğrafı.png", "image/png", PNG),
            file("dilekçe.pdf", "application/pdf", b"%PDF-1.4 test"),
        ];
        let c = app.create(req.clone()).await;
        let seen = app.get("expert_ankara", &c.id).await.unwrap();
        let names: Vec<_> = seen.attachments.iter().map(|a| a.file_name.as_str()).collect();
        assert_eq!(names, vec!["borunun fotoğrafı.png", "dilekçe.pdf"], "no directories kept");
        assert_eq!(seen.attachments[0].size_bytes, PNG.len() as i64);
        assert_eq!(seen.attachments[0].content_type, "image/png");

        let got = app.case.get_attachment(as_user("manager_ankara", get(&c.id, &seen.attachments[0].id))).await.unwrap().into_inner();
        assert_eq!(got.content, PNG);
        for outsider in ["expert_izmir", "manager_izmir", "callcentre"] {
            let err = app.case.get_attachment(as_user(outsider, get(&c.id, &seen.attachments[0].id))).await.unwrap_err();
            assert_eq!(err.code(), Code::NotFound, "{outsider}");
        }
        let other = app.open_case().await;
        let err = app.case.get_attachment(as_user("admin", get(&other.id, &seen.attachments[0].id))).await.unwrap_err();
        assert_eq!(err.code(), Code::NotFound, "a file belongs to its own case only");

        // The same application again: one case, the files not doubled.
        let again = app.create(req).await;
        assert_eq!(again.id, c.id);
        assert_eq!(app.get("admin", &c.id).await.unwrap().attachments.len(), 2);
    }

    async fn files_are_checked_at_the_door_and_nothing_is_stored_when_one_is_bad(app) {
        let before = app.case_count().await;
        for (files, field) in [
            (vec![file("a.png", "image/png", PNG); 4], "attachments"),
            (vec![file("a.html", "text/html", b"<script>")], "attachments[0].content_type"),
            (vec![file("a.png", "image/png", b"<html>not a png")], "attachments[0].content"),
            (vec![file("a.pdf", "application/pdf", &[b'%'; 256 * 1024 + 1])], "attachments[0].content"),
            (vec![file("", "image/png", PNG)], "attachments[0].file_name"),
            (vec![file("a.png", "image/png", PNG), file("b\u{7}.png", "image/png", PNG)], "attachments[1].file_name"),
        ] {
            let mut req = app.application(&app.org.ankara_water.clone(), 6, "Çankaya");
            req.attachments = files;
            let err = app.case.create_case(with_token(ROUTING_TOKEN, req)).await.unwrap_err();
            assert_eq!(err.code(), Code::InvalidArgument);
            assert_eq!(violated_fields(&err), vec![field.to_owned()]);
        }
        assert_eq!(app.case_count().await, before);
    }
}
